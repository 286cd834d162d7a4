"""What consent decisions store about a person: their proposals, responses (consent,
concerns, objections) and files."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.decisions.models import Proposal, ProposalAttachment, Response

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        Proposal.objects.filter(proposer=user).order_by("created_at"),
        "id",
        "title",
        "text",
        "background",
        "community__name",
        "status",
        "outcome",
        "outcome_statement",
        "deadline",
        "decided_at",
        "created_at",
        kind="proposal",
    )
    records += rows(
        Response.objects.filter(user=user).order_by("responded_at"),
        "proposal_id",
        "proposal__title",
        "kind",
        "reason",
        "version",
        "responded_at",
        kind="response",
    )
    attachments = ProposalAttachment.objects.filter(uploader=user).order_by("created_at")
    records += rows(
        attachments, "id", "proposal_id", "original_name", "content_type", "size", kind="file"
    )
    return personal_data.Export(records, personal_data.files_of(attachments, "decisions"))


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Proposals, responses and files stay under the pseudonym or go."""
    pairs: tuple[tuple[str, type[Model], str], ...] = (
        ("proposals", Proposal, "proposer"),
        ("responses", Response, "user"),
        ("files", ProposalAttachment, "uploader"),
    )
    counts = personal_data.keep_or_delete(user, erasure, pairs)
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="decisions",
            label=_("Consent decisions"),
            description=_(
                "Your proposals, your responses to proposals (consent, concerns, objections) "
                "and the files you attached."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                pseudonymise=_("Proposals, responses and attached files stay under the pseudonym."),
                delete=_(
                    "The person's proposals (with the responses to them), responses and attached "
                    "files are deleted."
                ),
            ),
            order=90,
        )
    )
