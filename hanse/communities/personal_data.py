"""What communities store about a person: memberships, join requests, communities founded."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community, JoinRequest, Membership
from hanse.communities.services import memberships_erase, ownership_pass_on
from hanse.core import personal_data

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        Membership.objects.filter(user=user).order_by("joined_at"),
        "community_id",
        "community__name",
        "community__slug",
        "role",
        "joined_at",
        kind="membership",
    )
    records += rows(
        JoinRequest.objects.filter(user=user).order_by("created_at"),
        "community__name",
        "message",
        "status",
        "created_at",
        "decided_at",
        kind="join_request",
    )
    records += rows(
        Community.objects.filter(created_by=user).order_by("created_at"),
        "id",
        "name",
        "created_at",
        kind="founded",
    )
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """A community keeps an owner: the ones the person owns alone pass on before their
    memberships go with the account (hanse/communities/services.ownership_pass_on)."""
    outcome = ownership_pass_on(user=user, by=erasure.requested_by)
    memberships_erase(user=user)
    return {
        "ownership_passed_on": sum(1 for _c, successor in outcome if successor is not None),
        "left_without_owner": sum(1 for _c, successor in outcome if successor is None),
    }


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="communities",
            label=_("Communities"),
            description=_(
                "Your memberships with their roles, your join requests and the communities "
                "you founded."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Memberships, join requests and invitations to the person go with the "
                    "account. A community the person owned alone passes to its longest-standing "
                    "moderator, else its longest-standing member, who is told; with nobody else "
                    "it is left without an owner, marked as needing one, and the platform "
                    "administrators are told. The audit log records either."
                ),
                kept=_(
                    "Communities the person founded stay with their members; they no longer name "
                    "their founder."
                ),
            ),
            order=60,
        )
    )
