"""Questions and praise as searchable types (hanse/core/searchable.py). Their answers and
messages are posts and comments, which the stream indexes already; these types let search
find a question as a question (solved or not) and a thank-you with its value."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.core.rules import is_platform_admin
from hanse.participation.models import Praise, Question, TownHall, TownHallQuestion

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
    return Question.objects.select_related("post", "post__author", "accepted_answer", "community")


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


# --- town halls: answered questions -------------------------------------------------------
# Scope "townhall:<id>": read by the town hall's audience (TownHall.objects.visible_to). An
# anonymous question's document has no author and no unit: search must not name its asker.

TOWNHALL = "townhall"


def _townhall_question(q: TownHallQuestion) -> searchable.Document | None:
    if q.status != TownHallQuestion.Status.ANSWERED:
        return None
    return searchable.Document(
        object_id=q.pk,
        title=q.body[:200],
        body="\n".join(filter(None, [q.body, q.answer])),
        author_id=None if q.anonymous else q.author_id,
        unit_id=None if q.anonymous or q.author is None else q.author.org_unit_id,
        created_at=q.created_at,
        scope=searchable.scope(TOWNHALL, q.townhall_id),
        keywords=q.townhall.title,
    )


def _townhall_questions() -> QuerySet[TownHallQuestion]:
    return TownHallQuestion.objects.select_related("townhall", "author")


def _townhall_questions_visible(user: object) -> QuerySet[TownHallQuestion]:
    return TownHallQuestion.objects.filter(
        status=TownHallQuestion.Status.ANSWERED,
        townhall__in=TownHall.objects.visible_to(user).values("pk"),  # type: ignore[arg-type]
    )


def _townhall_ids(user: object) -> list[int] | None:
    if is_platform_admin(user):
        return None
    return list(TownHall.objects.visible_to(user).values_list("pk", flat=True))  # type: ignore[arg-type]


def register_townhalls() -> None:
    searchable.register_scope(searchable.ScopeKind(kind=TOWNHALL, readable_ids=_townhall_ids))
    searchable.register(
        searchable.SearchableType(
            key="townhall_question",
            label=_("Town-hall question"),
            label_plural=_("Town-hall questions"),
            model=TownHallQuestion,
            queryset=_townhall_questions,
            to_document=_townhall_question,
            visible_to=_townhall_questions_visible,
            url=lambda q: reverse("participation:townhall", args=[q.townhall_id]) + f"#thq-{q.pk}",
            order=75,
            # Upvotes change the counter only.
            ignore_fields=frozenset({"vote_count"}),
        )
    )


register_townhalls()
