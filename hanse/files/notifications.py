"""Notification types of the file library: files were added to a library one follows.

Imported from ``FilesConfig.ready()``. The target is the (first) LibraryFile, checked with
``LibraryFile.objects.visible_to`` when the notification is created and whenever it is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.files.models import LibraryFile
from hanse.notifications.registry import NotificationType, RenderedText, register, url_or, who

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _files_visible(user: User) -> QuerySet[Any]:
    return LibraryFile.objects.visible_to(user)


def _render_added(n: Notification) -> RenderedText:
    name = str(n.data.get("name", ""))
    count = int(n.data.get("count", 1) or 1)
    title = who(
        n,
        ngettext(
            "%(name)s added “%(file)s” to the library",
            "%(name)s added “%(file)s” and %(more)s more files to the library",
            count,
        ),
        lambda k: ngettext(
            "%(name)s and %(n)s other added files to the library",
            "%(name)s and %(n)s others added files to the library",
            k,
        ),
        file=name,
        more=count - 1,
    )
    return RenderedText(title=title, body="", url=url_or("files:detail", n.target_id))


FILE_ADDED = register(
    NotificationType(
        key="library_file_added",
        label=_("New files in libraries"),
        description=_("Someone adds files to a community library you follow."),
        channels={"in_app": True, "email": "digest", "push": False},
        grouped=True,
        target_visible=_files_visible,
        render=_render_added,
    )
)


def _render_folder_added(n: Notification) -> RenderedText:
    count = int(n.data.get("count", 1) or 1)
    title = who(
        n,
        ngettext(
            "%(name)s added “%(file)s” to the folder “%(folder)s”",
            "%(name)s added “%(file)s” and %(more)s more files to the folder “%(folder)s”",
            count,
        ),
        lambda k: ngettext(
            "%(name)s and %(n)s other added files to the folder “%(folder)s”",
            "%(name)s and %(n)s others added files to the folder “%(folder)s”",
            k,
        ),
        file=str(n.data.get("name", "")),
        folder=str(n.data.get("folder", "")),
        more=count - 1,
    )
    return RenderedText(title=title, body="", url=url_or("files:detail", n.target_id))


FOLDER_FILE_ADDED = register(
    NotificationType(
        key="library_folder_file_added",
        label=_("New files in folders you follow"),
        description=_("Someone adds files to a library folder you follow."),
        channels={"in_app": True, "email": "digest", "push": False},
        grouped=True,
        target_visible=_files_visible,
        render=_render_folder_added,
    )
)
