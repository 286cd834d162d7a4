"""What a person may do with wiki pages: the one place it is decided.

Whether a person may *read* a page is ``Page.objects.visible_to``; these predicates decide
what they may change. Services check them before writing; views, templates and the API ask
them before offering an action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from hanse.communities.models import Membership
from hanse.communities.rules import is_member, is_moderator, is_owner
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.wiki.models import Page, WikiSettings

if TYPE_CHECKING:
    from hanse.communities.models import Community

# The Django permission of the role that keeps the company-wide pages (granted via groups).
EDIT_COMPANY_PAGES = "wiki.edit_company_pages"


def settings_of(community: Community) -> WikiSettings:
    """The community's wiki settings (the defaults when it has none), cached on the object."""
    cached = community.__dict__.get("_wiki_settings")
    if cached is None:
        cached = WikiSettings.objects.filter(community=community).first() or WikiSettings(
            community=community
        )
        community.__dict__["_wiki_settings"] = cached
    return cached


def wiki_enabled(community: Community) -> bool:
    return settings_of(community).enabled


def may_read_wiki_of(user: Any, community: Community) -> bool:
    """The wiki tab: those who may read the community's content, while it is switched on."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    return wiki_enabled(community) and bool(user.has_perm("communities.view_content", community))


def may_edit_in(user: Any, community: Community | None) -> bool:
    """Create and edit pages: company-wide the people with the role; in a community its
    members or only its moderators, as the community chose (administrators always)."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    if community is None:
        return bool(user.has_perm(EDIT_COMPANY_PAGES))
    wiki = settings_of(community)
    if not wiki.enabled:
        return False
    if wiki.edit_policy == WikiSettings.EditPolicy.MODERATORS:
        return bool(is_moderator(user, community))
    return bool(is_member(user, community))


def may_edit_page(user: Any, page: Page) -> bool:
    return may_edit_in(user, page.community)


def may_manage_wiki(user: Any, community: Community) -> bool:
    """Switch the wiki on or off, choose who edits, define page templates: owners."""
    if not is_active_user(user):
        return False
    return is_platform_admin(user) or bool(is_owner(user, community))


def may_manage_templates(user: Any, community: Community | None) -> bool:
    """Page templates: a community's owners; company-wide the editors' role."""
    if community is None:
        return may_edit_in(user, None)
    return may_manage_wiki(user, community)


def may_delete_page(user: Any, page: Page) -> bool:
    """Delete a page: moderators of its community; company-wide the editors' role."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    if page.community is None:
        return bool(user.has_perm(EDIT_COMPANY_PAGES))
    return bool(is_moderator(user, page.community))


def review_recipients_q(page: Page) -> Q:
    """Who is reminded to review a page: the community's owners; company-wide pages their
    authors (the role keeps them, but the authors know what they wrote)."""
    if page.community_id is None:
        return Q(pk__in=page.revisions.values("author_id"))
    return Q(
        memberships__community_id=page.community_id,
        memberships__role=Membership.Role.OWNER,
    )
