"""What search stores about a person: their saved searches (exported), and index rows built
from their profile and content. Erasure runs after the content apps: it removes the
person's own document and writes again, at once, every document that was theirs or names
them, so search finds nothing by their name from the moment the erasure ends."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.search.index import index_objects
from hanse.search.models import SavedSearch, SearchDocument


def _export(user: Any) -> personal_data.Export:
    return personal_data.Export(
        personal_data.rows(
            SavedSearch.objects.filter(user=user).order_by("pk"),
            "name",
            "query",
            "notify",
            "created_at",
            kind="saved_search",
        )
    )


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    counts = {"saved_searches": SavedSearch.objects.filter(user=user).delete()[0]}
    names = Q(author_id=user.pk) | Q(type="person", object_id=user.pk)
    for needle in erasure.needles:
        names |= Q(title__icontains=needle) | Q(body__icontains=needle)
    stale = SearchDocument.objects.filter(names).values_list("type", "object_id")
    by_type: dict[str, set[int]] = {}
    for type_key, object_id in stale:
        if not (type_key == "person" and object_id == user.pk):
            by_type.setdefault(type_key, set()).add(object_id)
    # The person's own document and every one they wrote or are named in: written again from
    # the rows as they are now (pseudonymised or gone; the account itself goes last).
    SearchDocument.objects.filter(type="person", object_id=user.pk).delete()
    for type_key, ids in by_type.items():
        index_objects(type_key, ids)
    # Whatever still names them (a type that could not be rebuilt) is removed outright.
    leftovers = Q(author_id=user.pk) | Q(type="person", object_id=user.pk)
    for needle in erasure.needles:
        leftovers |= Q(title__icontains=needle) | Q(body__icontains=needle)
    SearchDocument.objects.filter(leftovers).delete()
    counts["index_documents"] = sum(len(ids) for ids in by_type.values())
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="search",
            label=_("Saved searches"),
            description=_("The searches you saved."),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Saved searches are deleted. The person's entry in the search index goes, and "
                    "every entry they wrote or that names them is written again from the content "
                    "as it now is."
                ),
            ),
            order=190,
        )
    )
