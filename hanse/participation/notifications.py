"""Notification types of participation, imported from ``ParticipationConfig.ready()``.

Targets are checked (a poll with ``Poll.objects.visible_to``, a town hall with
``TownHall.objects.visible_to``, "questions waiting" through its community column) when the
notification is created and whenever it is shown or sent. No type ever names how anyone voted.
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.jobs import scheduler
from hanse.notifications.registry import NotificationType, RenderedText, register
from hanse.participation.models import Poll, TownHall

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _polls_visible(user: User) -> QuerySet[Any]:
    return Poll.objects.visible_to(user)


def _render_reminder(n: Notification) -> RenderedText:
    question = str(n.data.get("question", ""))
    post_id = n.data.get("post")
    url = reverse("posts:detail", args=[post_id]) if post_id else reverse("home:index")
    if n.data.get("url"):  # a poll in a chat message: the message in its channel
        url = str(n.data["url"])
    text = _g("Your vote is still missing: “%(question)s”") % {"question": question[:80]}
    return RenderedText(title=text, body="", url=url)


POLL_REMINDER = register(
    NotificationType(
        key="poll_reminder",
        label=_("Poll reminders"),
        description=_("A poll you may vote in is still open and you have not voted yet."),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_polls_visible,
        render=_render_reminder,
    )
)


def _render_accepted(n: Notification) -> RenderedText:
    question = str(n.data.get("question", ""))
    post_id = n.data.get("post")
    url = reverse("posts:detail", args=[post_id]) if post_id else reverse("home:index")
    text = _g("Your answer was accepted: “%(question)s”") % {"question": question[:80]}
    return RenderedText(title=text, body="", url=url)


ANSWER_ACCEPTED = register(
    NotificationType(
        key="answer_accepted",
        label=_("Accepted answers"),
        description=_("Your answer to a question was accepted."),
        channels={"in_app": True, "email": "digest", "push": True},
        render=_render_accepted,
    )
)


def _render_praise(n: Notification) -> RenderedText:
    value = str(n.data.get("value", ""))
    name = n.actor.display_name if n.actor else ""
    text = _g("%(name)s thanks you for “%(value)s”") % {"name": name, "value": value}
    url = reverse("posts:detail", args=[n.post_id]) if n.post_id else reverse("home:index")
    return RenderedText(title=text, body="", url=url)


PRAISE_RECEIVED = register(
    NotificationType(
        key="praise_received",
        label=_("Praise"),
        description=_("A colleague thanks you for one of our values."),
        channels={"in_app": True, "email": "immediate", "push": True},
        render=_render_praise,
    )
)


def _townhalls_visible(user: User) -> QuerySet[Any]:
    return TownHall.objects.visible_to(user)


def _render_townhall_answered(n: Notification) -> RenderedText:
    question = str(n.data.get("question", ""))
    townhall_id = n.data.get("townhall")
    url = (
        reverse("participation:townhall", args=[townhall_id])
        if townhall_id
        else reverse("participation:townhalls")
    )
    text = _g("A town-hall question was answered: “%(question)s”") % {"question": question[:80]}
    return RenderedText(title=text, body=str(n.data.get("title", "")), url=url)


TOWNHALL_ANSWERED = register(
    NotificationType(
        key="townhall_answered",
        label=_("Town-hall answers"),
        description=_("A town-hall question you asked by name or upvoted was answered."),
        channels={"in_app": True, "email": "digest", "push": True},
        target_visible=_townhalls_visible,
        render=_render_townhall_answered,
    )
)


def _render_questions_waiting(n: Notification) -> RenderedText:
    count = int(n.data.get("count") or 0)
    name = str(n.data.get("community", ""))
    text = ngettext(
        "%(count)d question is waiting for an answer in “%(community)s”",
        "%(count)d questions are waiting for an answer in “%(community)s”",
        count,
    ) % {"count": count, "community": name}
    query = {"state": "unanswered"}
    if n.community is not None:
        query["community"] = n.community.slug
    url = reverse("participation:questions") + "?" + urlencode(query)
    return RenderedText(title=text, body="", url=url)


QUESTIONS_WAITING = register(
    NotificationType(
        key="questions_waiting",
        label=_("Questions waiting"),
        description=_(
            "Once a week: questions nobody has answered yet in the communities you belong to."
        ),
        channels={"in_app": True, "email": "digest", "push": False},
        grouped=True,
        render=_render_questions_waiting,
    )
)

# Monday morning, before the weekly digest (07:30, hanse/notifications/jobs.py) collects it.
scheduler.register(
    scheduler.Schedule(
        name="participation.questions_waiting",
        task="hanse.participation.tasks.notify_questions_waiting",
        at=time(7, 0),
        weekday=0,
    )
)
