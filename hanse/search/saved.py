"""Saved searches: keep a search, and hear about new results.

A saved search is the results page's query string, read again by the same form, run as its
owner (so only what they may see counts, now). The scheduler checks the ones that want news
(``check_saved_searches``, hourly): results created since the last check are counted and one
notification per search says so, collapsed while unread and collected by the e-mail digest.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import task

from hanse.core.errors import ServiceError
from hanse.jobs import scheduler
from hanse.notifications.registry import NotificationType, RenderedText
from hanse.notifications.registry import register as register_type
from hanse.notifications.services import notify
from hanse.people.models import User
from hanse.search.forms import SearchForm
from hanse.search.models import SavedSearch
from hanse.search.selectors import MAX_PER_PAGE, search

MAX_PER_PERSON = 50
NOTIFICATION_TYPE = "saved_search_results"


def _clean_query(raw: str) -> tuple[str, SearchForm]:
    """The query string reduced to the valid, non-empty search parameters (no page)."""
    form = SearchForm(QueryDict(raw[:2000]))
    form.is_valid()
    data = form.cleaned_data
    kept = {
        key: (value.isoformat() if hasattr(value, "isoformat") else str(value))
        for key, value in data.items()
        if key != "page"
        and value not in (None, "")
        and not (key == "sort" and value == "relevance")
    }
    return urlencode(sorted(kept.items())), form


def results_url(saved: SavedSearch) -> str:
    return reverse("search:results") + "?" + saved.query


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def get_saved_search_for(user: User, saved_id: int) -> SavedSearch:
    """One of the person's own saved searches; anyone else's is a 404 like a missing one."""
    found = SavedSearch.objects.filter(user=user, pk=saved_id).first()
    if found is None:
        raise ServiceError(_("This saved search does not exist."), code="not_found", status=404)
    return found


def saved_search_create(
    *, user: User, query_string: str, name: str = "", notify: bool = True
) -> SavedSearch:
    """Save the search of this query string (saving the same one again renames it)."""
    query, form = _clean_query(query_string)
    text = (form.cleaned_data.get("q") or "").strip()
    if not query or (not text and set(dict(QueryDict(query))) <= {"type", "sort"}):
        raise ServiceError(_("Search for something first, then save it."), code="empty_search")
    name = (name or "").strip()[:100] or (text[:100] if text else _g("Search with filters"))
    with transaction.atomic():
        saved, created = SavedSearch.objects.get_or_create(
            user=user, query=query, defaults={"name": name, "notify": notify}
        )
        if created and saved_searches_of(user).count() > MAX_PER_PERSON:
            raise ServiceError(
                _("You can keep at most %(max)d saved searches. Delete one first.")
                % {"max": MAX_PER_PERSON},
                code="too_many",
            )
        if not created:
            saved.name, saved.notify = name, notify
            saved.save(update_fields=["name", "notify"])
    return saved


def saved_search_set_notify(*, saved: SavedSearch, notify: bool) -> SavedSearch:
    """Switch news about new results on or off (on: new from now on)."""
    saved.notify = notify
    saved.checked_at = timezone.now()
    saved.save(update_fields=["notify", "checked_at"])
    return saved


def saved_search_delete(*, saved: SavedSearch) -> None:
    saved.delete()


def new_results(saved: SavedSearch) -> int:
    """How many results (up to a page of 100) the owner may see that are newer than the
    last check."""
    _query, form = _clean_query(saved.query)
    query = form.to_query(per_page=MAX_PER_PAGE)
    found = search(
        user=saved.user,
        query=type(query)(**{**query.__dict__, "sort": "newest", "page": 1}),
    )
    return sum(1 for hit in found.hits if hit.created_at and hit.created_at > saved.checked_at)


@task()
def check_saved_searches() -> int:
    """Tell people about new results of the searches they keep; returns how many were told."""
    told = 0
    rows = SavedSearch.objects.filter(notify=True, user__is_active=True).select_related("user")
    for saved in rows.iterator():
        now = timezone.now()
        count = new_results(saved)
        SavedSearch.objects.filter(pk=saved.pk).update(checked_at=now)
        if count:
            notify(
                type_key=NOTIFICATION_TYPE,
                recipients=[saved.user],
                target=saved,
                group_key=f"saved-search:{saved.pk}",
                data={"name": saved.name, "count": count, "query": saved.query},
            )
            told += 1
    return told


def _render(notification: Any) -> RenderedText:
    data = notification.data or {}
    count = int(data.get("count") or 0)
    title = ngettext(
        "%(count)d new result for your saved search “%(name)s”",
        "%(count)d new results for your saved search “%(name)s”",
        count,
    ) % {"count": count, "name": data.get("name", "")}
    return RenderedText(
        title=title, body="", url=reverse("search:results") + "?" + str(data.get("query", ""))
    )


def _own_searches(user: Any) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def register() -> None:
    """From SearchConfig.ready(): the notification type and the hourly check."""
    register_type(
        NotificationType(
            key=NOTIFICATION_TYPE,
            label=_("New results of saved searches"),
            description=_("A search you saved and follow has new results."),
            channels={"in_app": True, "email": "digest", "push": False},
            grouped=True,
            community_access="none",
            render=_render,
            target_visible=_own_searches,
        )
    )
    scheduler.register(
        scheduler.Schedule(
            name="search.saved_searches",
            task="hanse.search.saved.check_saved_searches",
            every=timedelta(hours=1),
        )
    )
