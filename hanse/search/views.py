"""Search pages: the results page, the header box's suggestions and "Wer weiß was?".

Thin: parse the query string (``SearchForm``: a bad parameter is left out with a word of
explanation), ask ``selectors.search`` / ``suggest`` / ``experts.find_experts``, render. What
a person may see was decided there, through each type's ``visible_to``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanse.communities.models import Community
from hanse.core import http, interactions, searchable
from hanse.core.errors import ServiceError
from hanse.core.replicas import replica_view
from hanse.people.models import OrgUnit, User
from hanse.search import experts, saved, selectors
from hanse.search.forms import SearchForm

# Parameters of the results page kept when a tab, a sort or a page changes.
FILTER_PARAMS = (
    "q",
    "type",
    "community",
    "author",
    "unit",
    "date_from",
    "date_to",
    "file_type",
    "sort",
)
SUGGEST_MIN_CHARS = 2
UNTITLED_TYPES = frozenset({"post", "comment", "message"})
# Types with their own card on the results page; the rest use the generic one.
HIT_TEMPLATES = {
    "person": "search/hits/_person.html",
    "community": "search/hits/_community.html",
    "file": "search/hits/_file.html",
}


def _params(request: HttpRequest, **changes: Any) -> str:
    """The current query string with ``changes`` (None removes a key; the page always goes)."""
    kept = {k: request.GET[k] for k in FILTER_PARAMS if request.GET.get(k)}
    for key, value in changes.items():
        if value in (None, ""):
            kept.pop(key, None)
        else:
            kept[key] = str(value)
    return urlencode(kept)


def _url(request: HttpRequest, **changes: Any) -> str:
    query = _params(request, **changes)
    return reverse("search:results") + (f"?{query}" if query else "")


def _tabs(
    request: HttpRequest, results: selectors.SearchResults | None, current: str
) -> list[dict[str, Any]]:
    counts = results.counts if results else {}
    more = results.more if results else frozenset()
    tabs: list[dict[str, Any]] = [
        {
            "key": "",
            "label": _("All"),
            "count": sum(counts.values()) if results else None,
            "more": bool(more),
            "url": _url(request, type=None),
            "current": current == "",
        }
    ]
    # A kind with nothing found is left out (seven tabs of "0" crowd a phone), except the
    # one being looked at.
    tabs.extend(
        {
            "key": kind.key,
            "label": kind.label_plural,
            "count": counts.get(kind.key, 0) if results else None,
            # A lower bound: "more than 500" (selectors.COUNT_CHECKED).
            "more": kind.key in more,
            "url": _url(request, type=kind.key),
            "current": current == kind.key,
        }
        for kind in searchable.result_types()
        if results is None or counts.get(kind.key, 0) or current == kind.key
    )
    return tabs


def _type_label(key: str) -> Any:
    kind = searchable.get(key)
    return kind.label if kind else key


def _decorate(hits: list[selectors.Hit]) -> list[dict[str, Any]]:
    """Each hit with its author, community and card template, loaded in two queries."""
    author_ids = {h.author_id for h in hits if h.author_id}
    community_ids = {h.community_id for h in hits if h.community_id}
    authors = User.objects.select_related("org_unit", "location").in_bulk(author_ids)
    communities = Community.objects.in_bulk(community_ids)
    return [
        {
            "hit": hit,
            "label": _type_label(hit.type),
            "author": authors.get(hit.author_id) if hit.author_id else None,
            "community": communities.get(hit.community_id) if hit.community_id else None,
            "template": HIT_TEMPLATES.get(hit.type, "search/hits/_hit.html"),
            # A post's, comment's or message's "title" is the start of its text: the marked
            # snippet is shown as the link instead of both.
            "untitled": hit.type in UNTITLED_TYPES,
        }
        for hit in hits
    ]


def _filter_choices(me: User) -> dict[str, Any]:
    return {
        "communities": list(
            Community.objects.visible_to(me).order_by("name").values_list("slug", "name")
        ),
        # Indented by depth (no-break spaces: a select keeps them) so the tree shows.
        "units": [
            (unit.pk, "\u00a0\u00a0" * max(unit.path.count(".") - 1, 0) + unit.name)
            for unit in OrgUnit.objects.order_by("path").only("pk", "name", "path")
        ],
    }


@require_GET
@replica_view
def results(request: HttpRequest) -> HttpResponse:
    """/search/?q=…&type=…&community=…: one page of results, every filter in the URL."""
    me = http.viewer(request)
    form = SearchForm(request.GET)
    form.is_valid()  # invalid fields are left out and explained, never an error page
    query = form.to_query()
    filtered = any(
        (query.community, query.author, query.unit, query.date_from, query.date_to, query.file_type)
    )
    found: selectors.SearchResults | None = None
    if query.text or filtered:
        found = selectors.search(user=me, query=query)
        missed = not sum(found.counts.values()) and found.message is None and query.page == 1
        if query.text and not filtered and missed:
            # What people look for and do not find: counted by network analytics (if on),
            # per month and by distinct people, never with the person (hanse/core).
            interactions.search_missed(me.pk, query.text, timezone.localdate())
    current_type = query.types[0] if query.types else ""
    context = {
        "form": form,
        "query": query,
        "results": found,
        "rows": _decorate(found.hits) if found else [],
        "problems": form.problems(),
        "tabs": _tabs(request, found, current_type),
        "current_type": current_type,
        "filtered": filtered,
        "sorts": [
            (key, label, _url(request, sort=None if key == "relevance" else key), query.sort == key)
            for key, label in form.fields["sort"].choices  # type: ignore[attr-defined]
        ],
        "previous_url": _url(request, page=query.page - 1 if query.page > 2 else None)
        if query.page > 1
        else None,
        "next_url": _url(request, page=query.page + 1) if found and found.has_next else None,
        "without": {
            name: _url(request, **{name: None})
            for name in ("community", "author", "unit", "date_from", "date_to", "file_type", "type")
        },
        "save_query": _params(request),
        "experts_url": reverse("search:experts") + "?" + urlencode({"topic": query.text})
        if query.text
        else None,
        **_filter_choices(me),
    }
    template = "search/_results.html" if getattr(request, "htmx", False) else "search/results.html"
    return render(request, template, context)


@require_GET
@replica_view
def suggestions(request: HttpRequest) -> HttpResponse:
    """The header box's list while typing: people, communities, hashtags, a few hits."""
    text = "".join(c for c in request.GET.get("q", "")[:200] if c.isprintable()).strip()
    found: selectors.Suggestions | None = None
    if len(text) >= SUGGEST_MIN_CHARS:
        found = selectors.suggest(user=http.viewer(request), text=text, limit=5)
    options: list[dict[str, Any]] = []
    if found is not None:
        options += [
            {"kind": "person", "obj": p, "url": reverse("people:profile", args=[p.username])}
            for p in found.people
        ]
        options += [
            {"kind": "community", "obj": c, "url": reverse("communities:detail", args=[c.slug])}
            for c in found.communities
        ]
        options += [
            {"kind": "hashtag", "obj": t, "url": reverse("posts:tag", args=[t.name])}
            for t in found.hashtags
        ]
        options += [
            {"kind": "hit", "obj": h, "label": _type_label(h.type), "url": h.url}
            for h in found.hits
        ]
    too_short = len(text) < SUGGEST_MIN_CHARS
    all_url = "" if too_short else reverse("search:results") + "?" + urlencode({"q": text})
    return render(
        request,
        "search/_suggestions.html",
        {
            "text": text,
            "options": options,
            "all_url": all_url,
            "too_short": too_short,
        },
    )


@require_GET
@replica_view
def experts_page(request: HttpRequest) -> HttpResponse:
    """ "Wer weiß was?": people who know about a topic, each with the reasons."""
    me = http.viewer(request)
    topic = "".join(
        c for c in request.GET.get("topic", "")[: experts.MAX_TOPIC] if c.isprintable()
    ).strip()
    found = experts.find_experts(user=me, topic=topic) if topic else []
    return render(
        request,
        "search/experts.html",
        {"topic": topic, "experts": found, "search_url": _url(request, q=topic) if topic else None},
    )


# --- Saved searches ---------------------------------------------------------------------------


@require_GET
def saved_list(request: HttpRequest) -> HttpResponse:
    """The searches I keep, each opening its results, with news on or off."""
    rows = [
        {"saved": item, "url": saved.results_url(item)}
        for item in saved.saved_searches_of(http.viewer(request))
    ]
    return render(request, "search/saved.html", {"rows": rows})


@require_POST
def saved_create(request: HttpRequest) -> HttpResponse:
    """Keep the search of the results page (its query string comes in ``query``)."""
    raw = request.POST.get("query", "")
    try:
        item = saved.saved_search_create(
            user=http.viewer(request),
            query_string=raw,
            name=request.POST.get("name", ""),
            notify=request.POST.get("notify") == "on",
        )
    except ServiceError as exc:
        http.flash_error(request, exc)
        return redirect(reverse("search:results") + ("?" + raw[:2000] if raw else ""))
    messages.success(request, _("The search “%(name)s” is saved.") % {"name": item.name})
    return redirect(saved.results_url(item))


def _own(request: HttpRequest, saved_id: int) -> Any:
    try:
        return saved.get_saved_search_for(http.viewer(request), saved_id)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        raise


@require_POST
def saved_notify(request: HttpRequest, saved_id: int) -> HttpResponse:
    item = _own(request, saved_id)
    on = request.POST.get("notify") == "on"
    saved.saved_search_set_notify(saved=item, notify=on)
    if on:
        messages.success(
            request, _("You will hear about new results of “%(name)s”.") % {"name": item.name}
        )
    else:
        messages.success(request, _("No more news about “%(name)s”.") % {"name": item.name})
    return redirect("search:saved")


@require_POST
def saved_delete(request: HttpRequest, saved_id: int) -> HttpResponse:
    item = _own(request, saved_id)
    saved.saved_search_delete(saved=item)
    messages.success(request, _("The saved search “%(name)s” is deleted.") % {"name": item.name})
    return redirect("search:saved")
