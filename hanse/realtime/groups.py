"""Channel-layer group names derived from topics.

Channels accepts group names made of ASCII letters, digits, hyphens, underscores and periods,
shorter than 100 characters. Topics such as ``tag:Nachhaltigkeit`` or ``tag:grüne-filiale``
may contain other characters, so anything outside the safe set is hashed.
"""

from __future__ import annotations

import hashlib
import re

_SAFE = re.compile(r"^[A-Za-z0-9_\-]{1,60}$")


def topic_group(topic: str) -> str:
    """The channel-layer group that carries ``topic``."""
    kind, _sep, rest = topic.partition(":")
    if _SAFE.match(kind) and (rest == "" or _SAFE.match(rest)):
        return f"topic.{kind}.{rest}" if rest else f"topic.{kind}"
    digest = hashlib.sha256(topic.encode("utf-8")).hexdigest()[:40]
    return f"topic.h.{digest}"


def user_group(user_id: int) -> str:
    """The group every connection of one person joins."""
    return f"user.{int(user_id)}"


def community_group(community_id: int) -> str:
    """The group of every connection holding a topic derived from one community (its posts,
    its chat channels) without being in the community's own topic group: a change of the
    community's kind re-checks them all (hanse/realtime/topics.py ``grants``)."""
    return f"derived.community.{int(community_id)}"
