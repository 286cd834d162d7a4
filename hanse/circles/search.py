"""Multipliers as a searchable type: their topics and note (hanse/core/searchable.py).

Circles register nothing: no goal, relationship, check-in or circle name is ever indexed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.circles.models import Multiplier
from hanse.core import searchable


def _document(m: Multiplier) -> searchable.Document | None:
    if m.status != Multiplier.Status.APPROVED or not m.user.is_active:
        return None
    return searchable.Document(
        object_id=m.pk,
        title=f"{m.user.display_name}, Connector",
        body="\n".join(filter(None, [m.topics, m.note])),
        author_id=m.user_id,
        unit_id=m.user.org_unit_id,
        created_at=m.decided_at or m.created_at,
        tags=tuple(m.topic_list()),
        keywords="Connector Connectoren Multiplikator",
    )


def _queryset() -> QuerySet[Multiplier]:
    return Multiplier.objects.select_related("user")


def register() -> None:
    searchable.register(
        searchable.SearchableType(
            key="multiplier",
            label=_("Connector"),
            label_plural=_("Connectors"),
            model=Multiplier,
            queryset=_queryset,
            to_document=_document,
            visible_to=lambda user: Multiplier.objects.visible_to(user).filter(
                status=Multiplier.Status.APPROVED
            ),
            url=lambda m: reverse("circles:multipliers") + f"#multiplier-{m.pk}",
            order=45,
        )
    )
