"""``{% load realtime_tags %}``: presence dots and the presence form.

``{% presence_dot person %}`` renders nothing unless the site shows presence and the person
allows it. On list pages load the states once: ``{% presence_states people as states %}`` and
then ``{% presence_dot person states %}`` (one cache round trip for the whole list).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hanse.people.forms import PresenceForm
from hanse.realtime import presence

register = template.Library()

_STATES = ("online", "away")
_COLOURS = {"online": "#1e7b34", "away": "#b26a00"}


def _site_enabled(context: template.Context) -> bool:
    # One query per page, not one per dot.
    cache = context.render_context
    if "presence_site_enabled" not in cache:
        cache["presence_site_enabled"] = presence.site_enabled()
    return bool(cache["presence_site_enabled"])


@register.simple_tag(takes_context=True)
def presence_states(context: template.Context, people: Any) -> dict[int, str]:
    """The visible presence of several people, for ``presence_dot``."""
    if not _site_enabled(context):
        return {}
    shown = [p.pk for p in people if getattr(p, "show_presence", False) and p.is_active]
    return dict(presence.states(shown))


@register.simple_tag(takes_context=True)
def presence_dot(context: template.Context, person: Any, states: Any = None) -> str:
    """A small dot with a text alternative: online (green) or away (amber); else nothing."""
    if person is None or not getattr(person, "show_presence", False):
        return ""
    if not _site_enabled(context):
        return ""
    state = (states or {}).get(person.pk) if states is not None else None
    if states is None:
        state = presence.states([person.pk]).get(person.pk)
    if state not in _STATES:
        return ""
    label = _("Online") if state == "online" else _("Away")
    return format_html(
        '<span class="presence presence--{}" role="img" aria-label="{}" title="{}" '
        'style="display:inline-block;width:.65em;height:.65em;border-radius:50%;'
        'background:{};box-shadow:0 0 0 2px #fff;vertical-align:middle"></span>',
        state,
        label,
        label,
        _COLOURS[state],
    )


@register.simple_tag(takes_context=True)
def presence_form(context: template.Context) -> Any:
    """The profile page's presence form, filled with the person's current choice."""

    user = context.get("user")
    return PresenceForm(initial={"show_presence": getattr(user, "show_presence", True)})
