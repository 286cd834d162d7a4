"""Communities as a searchable type (name, tagline, description), and the scopes by which
the search index filters community content in SQL (hanse/core/searchable.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core import searchable
from hanse.core.rules import is_platform_admin

# Content of a community (posts, comments, events, channels' messages follow their own):
# readable by those who may read the community's content.
CONTENT = "community"
# A secret community itself: known to its members only.
LISTED = "community-listed"


def _content_ids(user: Any) -> Any:
    if is_platform_admin(user):
        return None
    return Community.objects.content_visible_to(user).values_list("id", flat=True)


def _listed_ids(user: Any) -> Any:
    if is_platform_admin(user):
        return None
    return (
        Community.objects.visible_to(user)
        .filter(kind=Community.Kind.SECRET)
        .values_list("id", flat=True)
    )


def _document(community: Community) -> searchable.Document:
    secret = community.kind == Community.Kind.SECRET
    return searchable.Document(
        object_id=community.pk,
        title=community.name,
        body=" · ".join(filter(None, [community.tagline, community.description])),
        community_id=community.pk,
        created_at=community.created_at,
        scope=searchable.scope(LISTED, community.pk) if secret else searchable.PUBLIC,
        keywords=community.slug.replace("-", " "),
    )


def _queryset() -> QuerySet[Community]:
    return Community.objects.all()


def register() -> None:
    searchable.register_scope(searchable.ScopeKind(CONTENT, _content_ids))
    searchable.register_scope(searchable.ScopeKind(LISTED, _listed_ids))
    searchable.register(
        searchable.SearchableType(
            key="community",
            label=_("Community"),
            label_plural=_("Communities"),
            model=Community,
            queryset=_queryset,
            to_document=_document,
            visible_to=Community.objects.visible_to,
            url=lambda community: reverse("communities:detail", args=[community.slug]),
            order=50,
            dated=False,
            ignore_fields=frozenset({"member_count"}),
        )
    )


register()
