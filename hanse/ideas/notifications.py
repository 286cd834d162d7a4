"""Notification types of ideas and experiments, imported from ``IdeasConfig.ready()``.

Every target is an Idea or an Experiment, checked with its ``visible_to`` when the
notification is created and whenever it is shown or sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.ideas.models import Experiment, Idea
from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _ideas_visible(user: User) -> QuerySet[Any]:
    return Idea.objects.visible_to(user)


def _experiments_visible(user: User) -> QuerySet[Any]:
    return Experiment.objects.visible_to(user)


def _idea_url(n: Notification) -> str:
    """The idea the notification is about; the ideas page when it names none."""
    idea_id = n.data.get("idea")
    return reverse("ideas:idea", args=[idea_id]) if idea_id else reverse("ideas:index")


def _render_status(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))[:80]
    status = str(n.data.get("status", ""))
    label = Idea.Status(status).label if status in Idea.Status.values else status
    text = _g("You said, we did: “%(title)s” is now %(status)s") % {
        "title": title,
        "status": label,
    }
    url = _idea_url(n)
    return RenderedText(title=text, body=str(n.data.get("reason", "")), url=url)


IDEA_STATUS_CHANGED = register(
    NotificationType(
        key="idea_status_changed",
        label=_("Ideas you supported"),
        description=_(
            "An idea you posted, supported or commented on changed its status, with the reason."
        ),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_ideas_visible,
        render=_render_status,
    )
)


def _render_closed(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))[:80]
    result = str(n.data.get("result", ""))
    label = Experiment.Result(result).label if result in Experiment.Result.values else result
    text = _g("Experiment “%(title)s” closed: %(result)s") % {"title": title, "result": label}
    exp_id = n.data.get("experiment")
    url = reverse("ideas:experiment", args=[exp_id]) if exp_id else reverse("ideas:log")
    return RenderedText(title=text, body="", url=url)


EXPERIMENT_CLOSED = register(
    NotificationType(
        key="experiment_closed",
        label=_("Closed experiments"),
        description=_("An experiment you took part in or whose idea you followed closed."),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_experiments_visible,
        render=_render_closed,
    )
)


def _render_due(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))[:80]
    text = _g("Your experiment “%(title)s” has reached its end date: time for the result") % {
        "title": title
    }
    exp_id = n.data.get("experiment")
    url = reverse("ideas:experiment", args=[exp_id]) if exp_id else reverse("ideas:log")
    return RenderedText(title=text, body="", url=url)


EXPERIMENT_DUE = register(
    NotificationType(
        key="experiment_due",
        label=_("Experiment end dates"),
        description=_("An experiment you own has reached its end date."),
        channels={"in_app": True, "email": "immediate", "push": False},
        target_visible=_experiments_visible,
        render=_render_due,
    )
)


def _render_coauthor(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))[:80]
    name = n.actor.display_name if n.actor else ""
    text = _g("%(name)s invited you to write the idea “%(title)s” together") % {
        "name": name,
        "title": title,
    }
    idea_id = n.data.get("idea")
    # The invitation page: accept or decline (nobody is named without saying yes).
    url = reverse("ideas:invitation", args=[idea_id]) if idea_id else reverse("ideas:index")
    return RenderedText(title=text, body="", url=url)


IDEA_COAUTHOR_ADDED = register(
    NotificationType(
        key="idea_coauthor_added",
        label=_("Co-authoring ideas"),
        description=_(
            "A colleague invited you as a co-author of their idea (you accept or decline)."
        ),
        channels={"in_app": True, "email": "immediate", "push": False},
        target_visible=_ideas_visible,
        render=_render_coauthor,
    )
)


def _render_coauthor_answer(n: Notification) -> RenderedText:
    title = str(n.data.get("title", ""))[:80]
    # As everywhere a person is named: their display name, which is "Former employee" for an
    # erased person's pseudonymous account (PersonRef, {% person_link %}).
    name = n.actor.display_name if n.actor is not None else _g("Former colleague")
    values = {"name": name, "title": title}
    if n.data.get("accepted"):
        text = _g("%(name)s accepted your invitation to co-author “%(title)s”") % values
    else:
        text = _g("%(name)s declined your invitation to co-author “%(title)s”") % values
    url = _idea_url(n)
    return RenderedText(title=text, body="", url=url)


IDEA_COAUTHOR_ANSWERED = register(
    NotificationType(
        key="idea_coauthor_answered",
        label=_("Answers to your co-author invitations"),
        description=_("A colleague you invited to write your idea accepted or declined."),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_ideas_visible,
        render=_render_coauthor_answer,
    )
)


def _render_not_carried(n: Notification) -> RenderedText:
    values = {
        "duplicate": str(n.data.get("duplicate_title", ""))[:80],
        "title": str(n.data.get("title", ""))[:80],
    }
    text = _g("“%(duplicate)s” was merged into “%(title)s”; your support was not carried over") % (
        values
    )
    body = _g(
        "Your supports for this campaign are used up. Withdraw one if you want to support "
        "“%(title)s”."
    ) % {"title": values["title"]}
    url = _idea_url(n)
    return RenderedText(title=text, body=body, url=url)


IDEA_SUPPORT_NOT_CARRIED = register(
    NotificationType(
        key="idea_support_not_carried",
        label=_("Merged ideas you supported"),
        description=_(
            "An idea you supported was merged into another, and your support could not be "
            "carried over because your supports for that campaign are used up."
        ),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_ideas_visible,
        render=_render_not_carried,
    )
)
