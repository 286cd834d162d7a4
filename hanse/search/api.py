"""/api/v1/search/ and /api/v1/experts/: the results page and "Wer weiß was?" as JSON.

The parameters mean what they mean on /search/ (one form, ``SearchForm``, reads both); where
the page leaves a bad filter out with a note, the API answers 422 naming it, so a client
learns about its mistake instead of silently getting other results.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, PersonRef, limit_field
from hanse.communities.models import Community
from hanse.core import http
from hanse.people.models import User
from hanse.search import experts, selectors
from hanse.search.forms import MAX_TEXT, SearchForm
from hanse.search.selectors import MAX_PER_PAGE

search_router = Router(tags=["search"])
experts_router = Router(tags=["search"])


class SearchParams(OffsetQuery):
    q: str = Field(
        "",
        max_length=MAX_TEXT,
        description=(
            "What to look for, as typed in the search box: words (German word forms, umlauts "
            'spelled either way and word beginnings match), "phrases", -word to exclude, '
            "from:@username, in:community-slug, #tag, type:file."
        ),
    )
    type: str | None = Field(
        None, max_length=40, description="One kind of result (post, person, file …); all if empty."
    )
    community: str | None = Field(None, max_length=100, description="Community slug.")
    author: str | None = Field(None, max_length=150, description="Username of the author.")
    unit: int | None = Field(
        None, ge=1, le=2**31, description="Org unit id of the author (with the units below it)."
    )
    date_from: date | None = Field(None, description="Created on or after this day.")
    date_to: date | None = Field(None, description="Created on or before this day.")
    file_type: str | None = Field(None, max_length=10, description="pdf, docx, xlsx, pptx, odt …")
    sort: str = Field("relevance", description="relevance, newest or oldest.")
    limit: int = limit_field(20, MAX_PER_PAGE)


class SearchCommunityRef(Schema):
    slug: str
    name: str


class SearchHitOut(Schema):
    type: str = Field(description="The kind of result (post, comment, person, file …).")
    id: int = Field(description="The id of the object of that kind.")
    title: str
    snippet: str = Field(description="HTML: escaped text with <mark> around matched words.")
    url: str = Field(description="Where the result opens in Hanse.")
    created_at: datetime | None
    author: PersonRef | None
    community: SearchCommunityRef | None
    score: float = Field(description="Relevance; only comparable within one answer.")


class SearchPage(OffsetPage[SearchHitOut]):
    """A page of search results."""

    counts: dict[str, int] = Field(
        description="Results per kind for the same words and filters, over all pages."
    )
    more: list[str] = Field(
        default_factory=list,
        description="Kinds whose count is a lower bound: more than that many results of the"
        " kind can be read (counts above 500 are not checked one by one); `total` is then a"
        " lower bound too.",
    )
    message: str | None = Field(
        None, description="A note for the person when the words could not be used as typed."
    )


class ExpertOut(Schema):
    person: PersonRef
    job_title: str
    unit: str | None
    reasons: list[str] = Field(description="Why, in words, e.g. “Skill Baufinanzierung”.")
    skills: list[str] = Field(description="Declared skills that match the topic.")
    ask_me_about: list[str] = Field(description="“Ask me about” topics that match it.")
    posts: int = Field(description="Posts about the topic that you can read.")
    comments: int = Field(description="Comments about the topic that you can read.")
    reactions: int = Field(description="Reactions those posts and comments received.")


class ExpertParams(OffsetQuery):
    topic: str = Field(..., min_length=1, max_length=experts.MAX_TOPIC)
    limit: int = limit_field(10, experts.MAX_EXPERTS)


class ExpertPage(OffsetPage[ExpertOut]):
    """People who know about a topic, best first (the finder ranks at most 20)."""


def _query(params: SearchParams, *, page: int, per_page: int) -> selectors.SearchQuery:
    data = {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in params.dict().items()
        if key in SearchForm.base_fields and value not in (None, "")
    }
    form = SearchForm(data)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.as_data().items()})
    query = form.to_query(per_page=per_page)
    return selectors.SearchQuery(**{**query.__dict__, "page": page})


def _hit_out(
    hit: selectors.Hit, authors: dict[int, User], communities: dict[int, Any]
) -> dict[str, Any]:
    author = authors.get(hit.author_id) if hit.author_id else None
    community = communities.get(hit.community_id) if hit.community_id else None
    return {
        "type": hit.type,
        "id": hit.object_id,
        "title": hit.title,
        "snippet": str(hit.snippet),
        "url": hit.url,
        "created_at": hit.created_at,
        "author": PersonRef.of(author).model_dump() if author else None,
        "community": {"slug": community.slug, "name": community.name} if community else None,
        "score": hit.score,
    }


@search_router.get("/", response={200: SearchPage, **ERRORS}, summary="Search everything")
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Everything you may read that matches, best first (or by date); the same filters as
    the results page. Offsets need not be a multiple of the limit."""
    me = http.viewer(request)
    # The engine pages by page number: ask for the page(s) that hold [offset, offset+limit).
    first = params.offset // params.limit + 1
    skip = params.offset % params.limit
    found = selectors.search(user=me, query=_query(params, page=first, per_page=params.limit))
    hits = list(found.hits)
    if skip and found.has_next:
        more = selectors.search(
            user=me, query=_query(params, page=first + 1, per_page=params.limit)
        )
        hits.extend(more.hits)
    hits = hits[skip : skip + params.limit]
    authors = User.objects.in_bulk({h.author_id for h in hits if h.author_id})
    communities = Community.objects.in_bulk({h.community_id for h in hits if h.community_id})
    return {
        "items": [_hit_out(hit, authors, communities) for hit in hits],
        "total": found.total,
        "limit": params.limit,
        "offset": params.offset,
        "counts": found.counts,
        "more": sorted(found.more),
        "message": found.message,
    }


@experts_router.get("/", response={200: ExpertPage, **ERRORS}, summary="Wer weiß was?")
def experts_list(request: HttpRequest, params: Query[ExpertParams]) -> dict[str, Any]:
    """People who know about a topic, best first, with the reasons. Counts come only from
    posts and comments you may read; people who opted out are found by their declared
    skills only."""
    # The finder ranks a bounded list (experts.MAX_EXPERTS): pages are cut from it.
    found = [
        e
        for e in experts.find_experts(
            user=http.viewer(request), topic=params.topic, limit=experts.MAX_EXPERTS
        )
        if e.person is not None
    ]
    return offset_page(found, params, _expert_out)


def _expert_out(e: experts.Expert) -> dict[str, Any]:
    person = e.person
    if person is None:  # experts_list keeps only found people
        raise ValueError("an expert without a person")
    return {
        "person": PersonRef.of(person).model_dump(),
        "job_title": person.job_title,
        "unit": person.org_unit.name if person.org_unit else None,
        "reasons": e.reasons,
        "skills": e.skills,
        "ask_me_about": e.asks,
        "posts": e.posts,
        "comments": e.comments,
        "reactions": e.reactions,
    }
