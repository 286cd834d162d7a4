"""Ideas and experiments (with their lessons) as searchable types (hanse/core/searchable.py).
Both are read by whoever may read their community (company-wide: everyone)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.ideas.models import Experiment, Idea

# The scope kind of community content (hanse/communities/search.py registers it).
COMMUNITY = "community"


def _idea(idea: Idea) -> searchable.Document | None:
    if idea.merged_into_id is not None:
        return None  # a merged duplicate is found through the idea it joined
    return searchable.Document(
        object_id=idea.pk,
        title=idea.title,
        body=idea.description,
        author_id=idea.author_id,
        community_id=idea.community_id,
        unit_id=getattr(idea.author, "org_unit_id", None),
        created_at=idea.created_at,
        scope=searchable.scope(COMMUNITY, idea.community_id),
        facets={"status": idea.status},
        keywords=idea.category,
    )


def _experiment(experiment: Experiment) -> searchable.Document:
    return searchable.Document(
        object_id=experiment.pk,
        title=experiment.title,
        body="\n".join(
            filter(
                None,
                [
                    experiment.hypothesis,
                    experiment.plan,
                    experiment.success_looks_like,
                    experiment.lessons,
                ],
            )
        ),
        author_id=experiment.owner_id,
        community_id=experiment.community_id,
        unit_id=getattr(experiment.owner, "org_unit_id", None),
        created_at=experiment.created_at,
        scope=searchable.scope(COMMUNITY, experiment.community_id),
        facets={"result": experiment.result or experiment.status},
    )


def _ideas() -> QuerySet[Idea]:
    return Idea.objects.select_related("author")


def _experiments() -> QuerySet[Experiment]:
    return Experiment.objects.select_related("owner")


def register() -> None:
    searchable.register(
        searchable.SearchableType(
            key="idea",
            label=_("Idea"),
            label_plural=_("Ideas"),
            model=Idea,
            queryset=_ideas,
            to_document=_idea,
            visible_to=Idea.objects.visible_to,
            url=lambda idea: reverse("ideas:idea", args=[idea.pk]),
            order=85,
            ignore_fields=frozenset({"support_count", "comment_count"}),
        )
    )
    searchable.register(
        searchable.SearchableType(
            key="experiment",
            label=_("Experiment"),
            label_plural=_("Experiments"),
            model=Experiment,
            queryset=_experiments,
            to_document=_experiment,
            visible_to=Experiment.objects.visible_to,
            url=lambda e: reverse("ideas:experiment", args=[e.pk]),
            order=86,
            ignore_fields=frozenset({"due_notified_at"}),
        )
    )


register()
