"""Ideas as a moderatable type (hanse/core/moderation.py), registered from
``IdeasConfig.ready()``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hanse.core import moderation
from hanse.ideas.models import Idea


def _purge(obj: Idea) -> None:
    from hanse.ideas.services import idea_purge  # at call time (loaded from ready())

    idea_purge(idea=obj)


moderation.register(
    moderation.ModeratableType(
        key="idea",
        label=pgettext_lazy("moderation", "idea"),
        model=Idea,
        visible_to=Idea.objects.visible_to,
        author_id=lambda idea: idea.author_id,
        community_id=lambda idea: idea.community_id,
        url=lambda idea: reverse("ideas:idea", args=[idea.pk]),
        purge=_purge,
        excerpt=lambda idea: f"{idea.title}\n\n{idea.description}".strip(),
    )
)
