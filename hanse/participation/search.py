"""Questions and praise as searchable types (hanse/core/searchable.py). Their answers and
messages are posts and comments, which the stream indexes already; these types let search
find a question as a question (solved or not) and a thank-you with its value."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.participation.models import Praise, Question

# The scope kind of community content (hanse/communities/search.py registers it).
COMMUNITY = "community"


def _question(question: Question) -> searchable.Document:
    post = question.post
    answer = question.accepted_answer
    return searchable.Document(
        object_id=question.pk,
        title=post.body[:200],
        body="\n".join(filter(None, [post.body, answer.body if answer else ""])),
        author_id=post.author_id,
        community_id=question.community_id,
        unit_id=getattr(post.author, "org_unit_id", None),
        created_at=post.created_at,
        scope=searchable.scope(COMMUNITY, question.community_id),
        facets={"solved": "yes" if question.solved_at else "no"},
    )


def _praise(praise: Praise) -> searchable.Document:
    post = praise.post
    return searchable.Document(
        object_id=praise.pk,
        title=f"{praise.recipient.display_name}: {praise.value.name}",
        body=post.body,
        author_id=praise.author_id,
        community_id=post.community_id,
        unit_id=getattr(praise.author, "org_unit_id", None),
        created_at=post.created_at,
        scope=searchable.scope(COMMUNITY, post.community_id),
        keywords=f"{praise.value.name} {praise.recipient.username}",
    )


def _questions() -> QuerySet[Question]:
    return Question.objects.select_related("post", "post__author", "accepted_answer")


def _praise_rows() -> QuerySet[Praise]:
    return Praise.objects.select_related("post", "author", "recipient", "value")


def register() -> None:
    searchable.register(
        searchable.SearchableType(
            key="question",
            label=_("Question"),
            label_plural=_("Questions"),
            model=Question,
            queryset=_questions,
            to_document=_question,
            visible_to=Question.objects.visible_to,
            url=lambda q: reverse("participation:question", args=[q.pk]),
            order=70,
        )
    )
    searchable.register(
        searchable.SearchableType(
            key="praise",
            label=_("Thanks"),
            label_plural=_("Thanks"),
            model=Praise,
            queryset=_praise_rows,
            to_document=_praise,
            visible_to=Praise.objects.visible_to,
            url=lambda p: reverse("posts:detail", args=[p.post_id]),
            order=80,
            # Hiding from one's profile changes nothing search shows.
            ignore_fields=frozenset({"hidden_on_profile"}),
        )
    )


register()
