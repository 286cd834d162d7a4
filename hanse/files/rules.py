"""What a person may do in a community's file library: the one place it is decided.

Whether a person may *see* a file is ``LibraryFile.objects.visible_to``; these predicates
decide what they may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from hanse.communities.rules import is_member, is_moderator
from hanse.core.rules import is_active_user, is_platform_admin

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.files.models import Folder, LibraryFile


def may_read_library_of(user: Any, community: Community) -> bool:
    return is_active_user(user) and bool(user.has_perm("communities.view_content", community))


def may_upload_in(user: Any, community: Community) -> bool:
    """Upload files and new versions, create folders: the community's members."""
    if not is_active_user(user):
        return False
    return is_platform_admin(user) or bool(is_member(user, community))


def may_change_file(user: Any, entry: LibraryFile) -> bool:
    """Rename, describe, move or put in the bin: who uploaded it, and moderators."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user) or bool(is_moderator(user, entry.community)):
        return True
    return entry.created_by_id == user.pk and bool(is_member(user, entry.community))


def may_delete_folder(user: Any, folder: Folder) -> bool:
    """Remove an empty folder: who made it, and moderators."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user) or bool(is_moderator(user, folder.community)):
        return True
    return folder.created_by_id == user.pk and bool(is_member(user, folder.community))


def may_change_folder(user: Any, folder: Folder) -> bool:
    """Rename or move a folder: who made it, and moderators (as removing it)."""
    return may_delete_folder(user, folder)


def bin_scope(user: Any, community: Community) -> Q | None:
    """Which files in a library's bin this person sees, restores and deletes for good: the
    same people who may put them there (``may_change_file``), as one filter for the list.
    Moderators and administrators: all of them; members: their own; others: none (None)."""
    if not is_active_user(user):
        return None
    if is_platform_admin(user) or bool(is_moderator(user, community)):
        return Q()
    if bool(is_member(user, community)):
        return Q(created_by_id=user.pk)
    return None


def may_see_bin_of(user: Any, community: Community) -> bool:
    """The bin page of a library: its readers who may put anything in it (its members)."""
    return may_read_library_of(user, community) and bin_scope(user, community) is not None
