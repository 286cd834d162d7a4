"""Notification types of moderation, imported from ``ModerationConfig.ready()``.

Neither names a target: the texts carry what the person needs (the outcome, the reason), and
nothing links to content the person may no longer see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification


def _render_outcome(n: Notification) -> RenderedText:
    outcome = str(n.data.get("outcome", ""))
    texts = {
        "hidden": _g("Your report was reviewed: the content has been hidden."),
        "removed": _g("Your report was reviewed: the content has been removed."),
        "dismissed": _g("Your report was reviewed: the moderators found no violation."),
    }
    title = texts.get(outcome, _g("Your report was reviewed."))
    url = str(n.data.get("url", "")) if outcome == "dismissed" else ""
    return RenderedText(title=title, body=str(n.data.get("excerpt", ""))[:200], url=url or "/")


REPORT_DECIDED = register(
    NotificationType(
        key="moderation_report_decided",
        label=_("Your reports"),
        description=_("Moderators decided on content you reported."),
        channels={"in_app": True, "email": False, "push": False},
        community_access="none",
        mutable=False,
        render=_render_outcome,
    )
)


def _render_notice(n: Notification) -> RenderedText:
    action = str(n.data.get("action", ""))
    label = str(n.data.get("label", ""))
    texts = {
        "hide": _g("Moderators hid your %(kind)s.") % {"kind": label},
        "remove": _g("Moderators removed your %(kind)s.") % {"kind": label},
        "restore": _g("Moderators restored your %(kind)s.") % {"kind": label},
        "warn": _g("You have received a warning from the moderators."),
        "suspend": _g("Your account has been suspended."),
    }
    title = texts.get(action, _g("A moderation decision concerns you."))
    reason = str(n.data.get("reason", ""))
    body = _g("Reason: %(reason)s") % {"reason": reason} if reason else ""
    url = str(n.data.get("url", "")) if action in ("hide", "restore") else ""
    return RenderedText(title=title, body=body, url=url or "/")


DECISION_NOTICE = register(
    NotificationType(
        key="moderation_decision",
        label=_("Moderation decisions about you"),
        description=_("Your content was hidden, removed or restored, or you were warned."),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        community_access="none",
        mutable=False,
        render=_render_notice,
    )
)
