"""Notification types of consent decisions, imported from ``DecisionsConfig.ready()``.
Every target is a Proposal, checked with ``Proposal.objects.visible_to``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.decisions.models import Proposal, Response
from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _visible(user: User) -> QuerySet[Any]:
    return Proposal.objects.visible_to(user)


def _url(n: Notification) -> str:
    pk = n.data.get("proposal")
    return reverse("decisions:proposal", args=[pk]) if pk else reverse("decisions:log")


def _title(n: Notification) -> str:
    return str(n.data.get("title", ""))[:80]


def _name(n: Notification) -> str:
    return n.actor.display_name if n.actor else ""


def _render_response(n: Notification) -> RenderedText:
    kind = str(n.data.get("kind", ""))
    label = Response.Kind(kind).label if kind in Response.Kind.values else kind
    text = _g("%(name)s responded to “%(title)s”: %(response)s") % {
        "name": _name(n),
        "title": _title(n),
        "response": label,
    }
    return RenderedText(title=text, body=str(n.data.get("reason", "")), url=_url(n))


def _render_objection(n: Notification) -> RenderedText:
    text = _g("%(name)s objects to “%(title)s”") % {"name": _name(n), "title": _title(n)}
    return RenderedText(title=text, body=str(n.data.get("reason", "")), url=_url(n))


def _render_amended(n: Notification) -> RenderedText:
    text = _g("“%(title)s” was amended: please look at it again") % {"title": _title(n)}
    return RenderedText(title=text, body="", url=_url(n))


def _render_decided(n: Notification) -> RenderedText:
    outcome = str(n.data.get("outcome", ""))
    label = Proposal.Outcome(outcome).label if outcome in Proposal.Outcome.values else outcome
    text = _g("“%(title)s” is decided: %(outcome)s") % {"title": _title(n), "outcome": label}
    return RenderedText(title=text, body="", url=_url(n))


def _render_deadline(n: Notification) -> RenderedText:
    text = _g("The deadline of “%(title)s” has passed: time to write the outcome") % {
        "title": _title(n)
    }
    return RenderedText(title=text, body="", url=_url(n))


def _render_review(n: Notification) -> RenderedText:
    text = _g("Time to review the decision “%(title)s”") % {"title": _title(n)}
    return RenderedText(title=text, body="", url=_url(n))


register(
    NotificationType(
        key="proposal_response",
        label=_("Responses to my proposals"),
        description=_("Someone consented, raised a concern or abstained on your proposal."),
        channels={"in_app": True, "email": "digest", "push": False},
        grouped=True,
        target_visible=_visible,
        render=_render_response,
    )
)
register(
    NotificationType(
        key="proposal_objection",
        label=_("Objections to my proposals"),
        description=_("Someone objected to your proposal, with their reason."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        target_visible=_visible,
        render=_render_objection,
    )
)
register(
    NotificationType(
        key="proposal_amended",
        label=_("Amended proposals"),
        description=_("A proposal you responded to was changed; please look again."),
        channels={"in_app": True, "email": "immediate", "push": False},
        target_visible=_visible,
        render=_render_amended,
    )
)
register(
    NotificationType(
        key="proposal_decided",
        label=_("Decisions"),
        description=_("A proposal you responded to was decided."),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_visible,
        render=_render_decided,
    )
)
register(
    NotificationType(
        key="proposal_deadline",
        label=_("Proposal deadlines"),
        description=_("The deadline of your proposal has passed."),
        channels={"in_app": True, "email": "immediate", "push": False},
        target_visible=_visible,
        render=_render_deadline,
    )
)
register(
    NotificationType(
        key="decision_review_due",
        label=_("Decision reviews"),
        description=_("A decision you took part in has reached its review date."),
        channels={"in_app": True, "email": "digest", "push": False},
        target_visible=_visible,
        render=_render_review,
    )
)


def _render_opened(n: Notification) -> RenderedText:
    text = _g("%(name)s asks for your consent: “%(title)s”") % {
        "name": _name(n),
        "title": _title(n),
    }
    return RenderedText(title=text, body="", url=_url(n))


PROPOSAL_OPENED = register(
    NotificationType(
        key="proposal_opened",
        label=_("Proposals you decide on"),
        description=_("A new proposal asks for your consent (you are among those who decide)."),
        channels={"in_app": True, "email": "immediate", "push": False},
        target_visible=_visible,
        render=_render_opened,
    )
)
