"""The Connectoren programme: the community approved Connectoren join, the onboarding
checklist (coordinators edit it, each Connector ticks their own steps) and stories."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.circles import rules
from hanse.circles.models import ConnectorStory, OnboardingItem, OnboardingTick, Programme
from hanse.communities.models import Community, Membership
from hanse.communities.services import membership_add
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create

COMMUNITY_NAME = "Connectoren"
STORY_HASHTAG = "#Connectoren"


def _coordinators_only(by: User) -> None:
    if not rules.is_coordinator(by):
        raise PermissionRefused(_("Only circle coordinators can do this."))


# --- the community -------------------------------------------------------------------------


def programme_community_ensure(*, by: User) -> Community:
    """The programme's community: the linked one, or a new private community "Connectoren"
    founded in the programme's name (the approving coordinator becomes its owner; no
    "found communities" permission is asked, the programme owns it). Linking another
    community is done in the admin ("Connectoren programme")."""
    with transaction.atomic():
        programme, _created = Programme.objects.select_for_update().get_or_create(pk=1)
        if programme.community_id is not None:
            return programme.community  # type: ignore[return-value]  # set just above
        community = Community.objects.create(
            name=COMMUNITY_NAME,
            # A random ending like every community's address (communities.services._new_slug):
            # a fixed address could collide with a secret community's.
            slug=f"connectoren-{secrets.token_hex(4)}",
            kind=Community.Kind.PRIVATE,
            tagline=_("The community of the Connectoren: meetups, questions, experiments."),
            created_by=by,
            member_count=0,
        )
        # rule-home: the founding coordinator becomes its owner (a write, not a check)
        membership_add(community=community, user=by, role=Membership.Role.OWNER)
        programme.community = community
        programme.save(update_fields=["community"])
    return community


def programme_community_join(*, user: User, by: User) -> None:
    """An approved Connector joins the programme's community (once; nothing if already in)."""
    community = programme_community_ensure(by=by)
    if not Membership.objects.filter(community=community, user=user).exists():
        membership_add(community=community, user=user)


# --- the onboarding checklist --------------------------------------------------------------


def _clean_item(title: str, description: str, link: str) -> tuple[str, str, str]:
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Give the step a title."), code="title")
    if len(title) > 150:
        raise ServiceError(_("The title may be at most 150 characters long."), code="title")
    description = (description or "").strip()
    if len(description) > 1000:
        raise ServiceError(
            _("The description may be at most 1000 characters long."), code="description"
        )
    link = (link or "").strip()
    if link and not (link.startswith(("https://", "http://", "/")) and len(link) <= 500):
        raise ServiceError(
            _("A link starts with https:// (or / for a page of Hanse)."), code="link"
        )
    return title, description, link


def onboarding_item_save(
    *,
    by: User,
    item: OnboardingItem | None = None,
    title: str,
    description: str = "",
    link: str = "",
    position: int | None = None,
) -> OnboardingItem:
    """Add a step to the checklist or change one (coordinators)."""
    _coordinators_only(by)
    title, description, link = _clean_item(title, description, link)
    with transaction.atomic():
        if item is None:
            last = OnboardingItem.objects.order_by("-position").values_list("position", flat=True)
            item = OnboardingItem(
                position=(last.first() or 0) + 1 if position is None else position
            )
        elif position is not None:
            item.position = position
        item.title, item.description, item.link = title, description, link
        item.save()
    return item


def onboarding_item_delete(*, by: User, item: OnboardingItem) -> None:
    """Remove a step (coordinators); the ticks on it go with it."""
    _coordinators_only(by)
    with transaction.atomic():
        item.delete()


def onboarding_tick(*, user: User, item: OnboardingItem, done: bool) -> bool:
    """A Connector marks one of their own steps done or not done."""
    if not rules.may_onboard(user):
        raise PermissionRefused(_("The checklist is for approved Connectoren."))
    with transaction.atomic():
        if done:
            OnboardingTick.objects.get_or_create(
                item=item, user=user, defaults={"done_at": timezone.now()}
            )
        else:
            OnboardingTick.objects.filter(item=item, user=user).delete()
    return done


# --- stories -------------------------------------------------------------------------------


def story_create(*, by: User, kind: str, body: str) -> ConnectorStory:
    """A Connector shares a story (helping someone, or an experiment): a company-wide post of
    theirs, tagged #Connectoren, which the Connectoren page lists."""
    if not rules.may_tell_story(by):
        raise PermissionRefused(_("Stories are told by approved Connectoren."))
    if kind not in ConnectorStory.Kind.values:
        raise ServiceError(_("Choose what the story is about."), code="kind")
    body = (body or "").strip()
    if not body:
        raise ServiceError(_("Write your story."), code="body")
    if STORY_HASHTAG.lower() not in body.lower():
        body = f"{body}\n\n{STORY_HASHTAG}"
    with transaction.atomic():
        post = post_create(author=by, body=body, scope=Post.Scope.COMPANY)
        return ConnectorStory.objects.create(post=post, author=by, kind=kind)


def story_tag(*, by: User, post: Post, kind: str) -> ConnectorStory:
    """Mark a company-wide post as a story: a Connector their own, a coordinator anyone's
    (the story stays the post author's). Marking twice keeps the first mark."""
    if not rules.may_mark_story(by, post):
        raise PermissionRefused(
            _("Only the author, an approved Connector, or a coordinator can do this.")
        )
    if not rules.may_become_story(post):
        raise ServiceError(
            _("Only company-wide posts can become Connectoren stories."), code="scope"
        )
    if kind not in ConnectorStory.Kind.values:
        raise ServiceError(_("Choose what the story is about."), code="kind")
    with transaction.atomic():
        story, _created = ConnectorStory.objects.get_or_create(
            post=post, defaults={"author_id": post.author_id, "kind": kind}
        )
    return story


def story_untag(*, by: User, post: Post) -> bool:
    """Take the story mark off a post (the post itself stays): its author or a coordinator.
    Returns whether there was a mark."""
    story = ConnectorStory.objects.filter(post=post).first()
    if story is None:
        return False
    if not rules.may_unmark_story(by, story):
        raise PermissionRefused(_("Only the author or a coordinator can do this."))
    with transaction.atomic():
        deleted, _rows = ConnectorStory.objects.filter(pk=story.pk).delete()
    return bool(deleted)
