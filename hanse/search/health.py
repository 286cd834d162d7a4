"""The search index's readiness check (registered with hanse/core/health.py): the engine
answers a query, and no index update has failed since the last one that succeeded."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from hanse.core.health import Check
from hanse.search.models import IndexState

NAME = "search"
# A failure older than this with no success since is still reported; a newer success clears it.
FAILURE_WINDOW = timedelta(hours=1)

_PROBES = {
    "sqlite": (
        "SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT 1)"
    ),
    "postgresql": (
        "SELECT COUNT(*) FROM (SELECT id FROM search_searchdocument"
        " WHERE stem_vec @@ to_tsquery('simple', %s) LIMIT 1) AS probe"
    ),
}


def check_search_index() -> Check:
    probe = _PROBES.get(connection.vendor)
    if probe is not None:
        with connection.cursor() as cursor:
            cursor.execute(probe, ['"probe"' if connection.vendor == "sqlite" else "probe"])
            cursor.fetchone()
    since = timezone.now() - FAILURE_WINDOW
    failing = list(
        IndexState.objects.filter(last_error_at__gte=since)
        .filter(Q(last_update__isnull=True) | Q(last_update__lt=F("last_error_at")))
        .values_list("type", flat=True)
    )
    detail: dict[str, object] = {}
    if failing:
        detail["failing_types"] = sorted(failing)
    return Check(NAME, not failing, detail)
