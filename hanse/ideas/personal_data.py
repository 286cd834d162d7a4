"""What ideas store about a person: their ideas, supports, comments, files, experiments and
experiment updates."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.ideas.models import (
    CoauthorInvitation,
    Experiment,
    ExperimentUpdate,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaSupport,
    StatusChange,
)

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        Idea.objects.filter(author=user).order_by("created_at"),
        "id",
        "title",
        "description",
        "category",
        "status",
        "community__name",
        "created_at",
        "edited_at",
        kind="idea",
    )
    records += rows(
        Idea.objects.filter(coauthors=user).order_by("created_at"),
        "id",
        "title",
        kind="idea_coauthored",
    )
    records += rows(
        CoauthorInvitation.objects.filter(user=user).order_by("created_at"),
        "idea_id",
        "created_at",
        "declined_at",
        kind="coauthor_invitation",
    )
    records += rows(
        IdeaSupport.objects.filter(user=user).order_by("created_at"),
        "idea_id",
        "created_at",
        kind="support",
    )
    records += rows(
        IdeaComment.objects.filter(author=user).order_by("created_at"),
        "idea_id",
        "body",
        "created_at",
        kind="comment",
    )
    records += rows(
        Experiment.objects.filter(owner=user).order_by("created_at"),
        "id",
        "title",
        "hypothesis",
        "plan",
        "success_looks_like",
        "starts_on",
        "ends_on",
        "status",
        "result",
        "lessons",
        "next_step",
        "created_at",
        kind="experiment",
    )
    records += rows(
        Experiment.objects.filter(team=user).order_by("created_at"),
        "id",
        "title",
        kind="experiment_team_member",
    )
    records += rows(
        ExperimentUpdate.objects.filter(author=user).order_by("created_at"),
        "experiment_id",
        "kind",
        "body",
        "created_at",
        kind="experiment_update",
    )
    attachments = IdeaAttachment.objects.filter(uploader=user).order_by("created_at")
    records += rows(
        attachments, "id", "idea_id", "original_name", "content_type", "size", kind="file"
    )
    return personal_data.Export(records, personal_data.files_of(attachments, "ideas"))


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Ideas, comments, experiments and files stay under the pseudonym or go."""
    to = erasure.pseudonym
    pairs: tuple[tuple[str, type[Model], str], ...] = (
        ("ideas", Idea, "author"),
        ("comments", IdeaComment, "author"),
        ("experiments", Experiment, "owner"),
        ("experiment_updates", ExperimentUpdate, "author"),
        ("files", IdeaAttachment, "uploader"),
    )
    counts = personal_data.keep_or_delete(user, erasure, pairs)
    if erasure.keeps_content:
        personal_data.reassign(IdeaSupport.objects.filter(user=user), "user", to)
        for idea in Idea.objects.filter(coauthors=user):
            idea.coauthors.remove(user)
            idea.coauthors.add(to)
    # An invitation is a question to the person, not content: it goes either way.
    counts["coauthor_invitations"] = CoauthorInvitation.objects.filter(user=user).delete()[0]
    personal_data.reassign(StatusChange.objects.filter(by=user), "by", to)
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="ideas",
            label=_("Ideas and experiments"),
            description=_(
                "Your ideas, co-authorships, supports, comments and files; the experiments "
                "you own and your updates to experiments."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_("Invitations to co-author an idea are deleted."),
                pseudonymise=_(
                    "Ideas, comments, experiments, experiment updates, attached files, supports "
                    "and co-authorships stay under the pseudonym."
                ),
                delete=_(
                    "Ideas, comments, experiments, experiment updates and attached files are "
                    "deleted, with what hangs under them; supports and co-authorships go with the "
                    "account."
                ),
                kept=_(
                    "Status changes the person made stay under the pseudonym: they are the idea's "
                    "history."
                ),
            ),
            order=80,
        )
    )
