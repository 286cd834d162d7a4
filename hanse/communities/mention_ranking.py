"""Communities' signal for the mention autocomplete: when the text is written in a community
(a post there, a comment under one), its members rank higher (hanse/people/mentions.py).
Registered from ``ready()``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from hanse.communities.models import Community, Membership
from hanse.people import mentions

CO_MEMBER = 2


def _co_member(context: mentions.MentionContext) -> Exists | None:
    if not context.community_slug:
        return None
    # Only a community whose members the author may see: a secret community's slug from a
    # non-member must not rank (and so reveal) its members.
    readable = Community.objects.content_visible_to(context.viewer).filter(
        slug=context.community_slug
    )
    return Exists(
        Membership.objects.filter(user_id=OuterRef("pk"), community__in=readable.values("id"))
    )


def register() -> None:
    mentions.register(mentions.Signal("co_member", CO_MEMBER, _co_member))
