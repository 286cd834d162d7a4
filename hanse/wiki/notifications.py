"""Notification types of the wiki: a followed page changed, a page is due for review.

Imported from ``WikiConfig.ready()``. The target of both is the Page, checked with
``Page.objects.visible_to`` when the notification is created and whenever it is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.notifications.registry import NotificationType, RenderedText, register, url_or, who
from hanse.wiki.models import Page

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _pages_visible(user: User) -> QuerySet[Any]:
    return Page.objects.visible_to(user)


def _render_changed(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))
    text = who(
        n,
        _g("%(name)s changed the page “%(title)s”"),
        lambda k: ngettext(
            "%(name)s and %(n)s other changed the page “%(title)s”",
            "%(name)s and %(n)s others changed the page “%(title)s”",
            k,
        ),
        title=title,
    )
    return RenderedText(
        title=text, body=str(n.data.get("note", "")), url=url_or("wiki:page", n.target_id)
    )


def _render_review(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))
    text = _g("Is the page “%(title)s” still correct? Please review it.") % {"title": title}
    return RenderedText(title=text, body="", url=url_or("wiki:page", n.target_id))


PAGE_CHANGED = register(
    NotificationType(
        key="wiki_page_changed",
        label=_("Changed wiki pages"),
        description=_("A wiki page you wrote or follow is changed. Several changes are combined."),
        channels={"in_app": True, "email": "digest", "push": False},
        grouped=True,
        target_visible=_pages_visible,
        render=_render_changed,
    )
)
REVIEW_DUE = register(
    NotificationType(
        key="wiki_review_due",
        label=_("Wiki pages to review"),
        description=_("A page of a community you own has not been reviewed for a long time."),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_pages_visible,
        render=_render_review,
    )
)
