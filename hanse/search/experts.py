"""The expert finder, "Wer weiß was?": who here knows about a topic, and why we think so.

A person is suggested for what they declare (their skills and "ask me about" topics) and for
what they wrote about the topic (posts and comments the search finds) and how colleagues
reacted to it. Two rules keep it honest:

- Counts and reasons come only from content the *asking* person may see: the writing is found
  through ``selectors.match_authors``, which passes every document through its type's
  ``visible_to(user)``; reactions are summed over exactly those posts and comments.
- A person who switched off ``expert_from_activity`` is suggested only for what they declared;
  nothing they wrote is counted or mentioned.

Scores are a ranking, never shown: declared knowledge is a strong signal, writing grows with
its amount on a log scale so that the most prolific poster does not drown everyone else.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hanse.people.models import Skill, User
from hanse.posts.models import Comment, Post
from hanse.search import selectors

MAX_TOPIC = 100
MAX_EXPERTS = 20
# How much each signal weighs in the ranking.
SKILL_EXACT, SKILL_PART = 10.0, 6.0
ASK_EXACT, ASK_PART = 9.0, 5.0
WRITING, REACTIONS = 4.0, 1.5
_WORD = re.compile(r"\w+", re.UNICODE)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case without umlauts and accents: "Müller", "Mueller" and "muller" meet."""
    text = text.lower().replace("ae", "a").replace("oe", "o").replace("ue", "u")
    text = text.translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def topic_words(topic: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(topic.lstrip("#")) if len(w) >= 2]


@dataclass
class Expert:
    person: User | None = None  # loaded last, for the people that make the list
    score: float = 0.0
    skills: list[str] = field(default_factory=list)  # declared skills matching the topic
    asks: list[str] = field(default_factory=list)  # "ask me about" topics matching it
    posts: int = 0  # visible posts about the topic
    comments: int = 0  # visible comments about it
    reactions: int = 0  # reactions those posts and comments received

    @property
    def reasons(self) -> list[str]:
        """Why this person, in words: "Skill Baufinanzierung", "12 posts about …"."""
        out = [_("Skill %(name)s") % {"name": name} for name in self.skills]
        out += [_("Ask me about %(name)s") % {"name": name} for name in self.asks]
        if self.posts:
            out.append(
                ngettext("%(count)d post about it", "%(count)d posts about it", self.posts)
                % {"count": self.posts}
            )
        if self.comments:
            out.append(
                ngettext("%(count)d comment about it", "%(count)d comments about it", self.comments)
                % {"count": self.comments}
            )
        if self.reactions:
            out.append(
                ngettext("%(count)d reaction", "%(count)d reactions", self.reactions)
                % {"count": self.reactions}
            )
        return out


def _skill_match(words: list[str], name: str) -> str | None:
    """ "exact" when the skill is the topic, "part" when every word of the topic is in it (or
    it is in the topic: "Baufinanzierung" for "Finanzierung", "Kredit" for "Kredite")."""
    folded = fold(name)
    joined = " ".join(words)
    if folded == joined:
        return "exact"
    if words and all(w in folded for w in words if len(w) >= 3) and any(len(w) >= 3 for w in words):
        return "part"
    if len(folded) >= 4 and folded in joined:
        return "part"
    return None


def _declared(words: list[str], found: dict[int, Expert]) -> None:
    matches = {
        skill_id: kind
        for skill_id, name in Skill.objects.values_list("id", "name")
        if (kind := _skill_match(words, name)) is not None
    }
    if not matches:
        return
    names = dict(Skill.objects.filter(pk__in=matches).values_list("id", "name"))
    for relation, exact, part in (
        (User.skills.through, SKILL_EXACT, SKILL_PART),
        (User.ask_me_about.through, ASK_EXACT, ASK_PART),
    ):
        rows = relation.objects.filter(skill_id__in=matches, user__is_active=True).values_list(
            "user_id", "skill_id"
        )
        for user_id, skill_id in rows:
            expert = found.setdefault(user_id, Expert())
            expert.score += exact if matches[skill_id] == "exact" else part
            target = expert.skills if relation is User.skills.through else expert.asks
            target.append(names[skill_id])


def _written(user: User, topic: str, found: dict[int, Expert]) -> None:
    matched = selectors.match_authors(user=user, text=topic, types=("post", "comment"))
    if not matched:
        return
    # Only people who allow it are suggested from what they wrote.
    allowed = set(
        User.objects.filter(
            pk__in=matched.keys(), is_active=True, expert_from_activity=True
        ).values_list("pk", flat=True)
    )
    post_ids = [
        i for a in matched.values() if a.author_id in allowed for i in a.object_ids.get("post", [])
    ]
    comment_ids = [
        i
        for a in matched.values()
        if a.author_id in allowed
        for i in a.object_ids.get("comment", [])
    ]
    reactions: dict[int, int] = {}
    for model, ids in ((Post, post_ids), (Comment, comment_ids)):
        if not ids:
            continue
        rows = (
            model.objects.filter(pk__in=ids)
            .values("author_id")
            .annotate(total=Sum("reaction_count"))
            .values_list("author_id", "total")
        )
        for author_id, total in rows:
            reactions[author_id] = reactions.get(author_id, 0) + (total or 0)
    for author_id, match in matched.items():
        if author_id not in allowed:
            continue
        expert = found.setdefault(author_id, Expert())
        expert.posts = len(match.object_ids.get("post", []))
        expert.comments = len(match.object_ids.get("comment", []))
        expert.reactions = reactions.get(author_id, 0)
        expert.score += WRITING * math.log2(1 + expert.posts + expert.comments)
        expert.score += REACTIONS * math.log2(1 + expert.reactions)


def find_experts(*, user: User, topic: str, limit: int = MAX_EXPERTS) -> list[Expert]:
    """The people who know about ``topic``, best first, each with the reasons; the asking
    person is left out (they know what they know)."""
    topic = topic.strip()[:MAX_TOPIC]
    words = topic_words(topic)
    if not words:
        return []
    found: dict[int, Expert] = {}
    _declared(words, found)
    _written(user, topic, found)
    found.pop(user.pk, None)
    ranked = sorted(found.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    people = (
        User.objects.filter(pk__in=[pk for pk, _e in ranked], is_active=True)
        .select_related("org_unit", "location")
        .in_bulk()
    )
    out = []
    for pk, expert in ranked:
        person = people.get(pk)
        if person is None:
            continue
        expert.person = person
        out.append(expert)
    return out
