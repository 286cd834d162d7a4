"""``{% load live_topics %}``: topic names for pages, from the topic registry.

``data-live-topics="{% topic 'post' post.pk %}"`` renders ``post:12``. Pages and scripts never
spell a topic by hand: the kinds are the ones registered with hanse/realtime/topics.py, and
tests/core/test_topic_names.py fails when a template or script spells one itself or names
a kind the registry does not know.
"""

from __future__ import annotations

from django import template

from hanse.realtime import topics

register = template.Library()


@register.simple_tag
def topic(kind: str, key: int | str | None = None) -> str:
    """The topic of ``kind`` (``chat``, ``post``, ``community``, ``author``, ``tag``,
    ``company``, ``feed``) and its id; an unknown kind raises."""
    return topics.name(kind, key)
