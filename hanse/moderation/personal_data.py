"""What moderation stores about a person: the reports they made, and the decisions about
them and their content. Who reported them, and what others wrote in a report, stays out."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.moderation.models import Decision, Hiding, Report, Suspension

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    # The reporter's own words; not the excerpt (another person's content).
    records += rows(
        Report.objects.filter(reporter=user).order_by("created_at"),
        "kind",
        "object_id",
        "category",
        "text",
        "status",
        "outcome",
        "created_at",
        "decided_at",
        kind="report_made",
    )
    # Reports about their content: never who made them, nor the reporter's words.
    records += rows(
        Report.objects.filter(author=user).order_by("created_at"),
        "kind",
        "object_id",
        "category",
        "status",
        "outcome",
        "created_at",
        "decided_at",
        kind="report_about_your_content",
    )
    records += rows(
        Hiding.objects.filter(author=user).order_by("at"),
        "kind",
        "object_id",
        "state",
        "reason",
        "at",
        kind="content_hidden_or_removed",
    )
    records += rows(
        Decision.objects.filter(subject=user).order_by("at"),
        "action",
        "kind",
        "object_id",
        "reason",
        "at",
        kind="decision_about_you",
    )
    records += rows(
        Suspension.objects.filter(user=user).order_by("starts_at"),
        "starts_at",
        "ends_at",
        "reason",
        "lifted_at",
        kind="suspension",
    )
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Moderation records stay (others' cases depend on them), under the pseudonym: reports
    one made (their text goes under the delete policy) and decisions one took. Reports,
    hidings and decisions about the person lose the link (it goes with the account)."""
    to = erasure.pseudonym
    made = Report.objects.filter(reporter=user)
    if not erasure.keeps_content:
        made.update(text="")
    counts = {"reports_made": personal_data.reassign(made, "reporter", to)}
    personal_data.reassign(Report.objects.filter(decided_by=user), "decided_by", to)
    personal_data.reassign(Hiding.objects.filter(by=user), "by", to)
    personal_data.reassign(Decision.objects.filter(by=user), "by", to)
    personal_data.reassign(Suspension.objects.filter(by=user), "by", to)
    # A report about the person themselves names them by id: it goes with its subject.
    counts["reports_about_person"] = personal_data.delete_rows(
        Report.objects.filter(kind="person", object_id=user.pk)
    )
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="moderation",
            label=_("Moderation"),
            description=_(
                "The reports you made; reports about your content, moderation decisions, "
                "warnings and suspensions concerning you. Who reported you is not included."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_("Reports about the person are deleted."),
                pseudonymise=_("Reports the person made stay under the pseudonym."),
                delete=_(
                    "Reports the person made stay under the pseudonym, with their text emptied."
                ),
                kept=_(
                    "Moderation decisions, hidden content and suspensions the person decided as a "
                    "moderator stay under the pseudonym: other people's cases depend on them."
                ),
            ),
            order=130,
        )
    )
