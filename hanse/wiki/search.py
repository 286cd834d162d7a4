"""Wiki pages as a searchable type: the current title and text (hanse/core/searchable.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.core.text import extract_hashtags
from hanse.wiki.models import Page

# The scope kind of community content (hanse/communities/search.py registers it).
COMMUNITY = "community"


def _document(page: Page) -> searchable.Document | None:
    if page.is_template:
        return None
    author = page.current_revision.author if page.current_revision else page.created_by
    return searchable.Document(
        object_id=page.pk,
        title=page.title,
        body=page.body,
        author_id=author.pk if author else None,
        community_id=page.community_id,
        unit_id=getattr(author, "org_unit_id", None),
        created_at=page.updated_at,
        scope=searchable.scope(COMMUNITY, page.community_id),
        tags=tuple(extract_hashtags(page.body)[:20]),
    )


def _queryset() -> QuerySet[Page]:
    return Page.objects.select_related("current_revision__author", "created_by")


searchable.register(
    searchable.SearchableType(
        key="wiki_page",
        label=_("Wiki page"),
        label_plural=_("Wiki pages"),
        model=Page,
        queryset=_queryset,
        to_document=_document,
        visible_to=Page.objects.visible_to,
        url=lambda page: page.get_absolute_url(),
        order=55,
        ignore_fields=frozenset({"review_reminded_at", "reviewed_at", "reviewed_by"}),
    )
)
