"""Relative times read the same, correctly, in German and English everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from hanse.core.templatetags.hanse_time import ago, day, day_time

NOW = timezone.now()


@pytest.mark.parametrize(
    ("delta", "german", "english"),
    [
        (timedelta(seconds=10), "gerade eben", "just now"),
        (timedelta(minutes=2), "vor 2 Minuten", "2 minutes ago"),
        (timedelta(hours=3, minutes=5), "vor 3 Stunden", "3 hours ago"),
        (timedelta(hours=23), "vor 23 Stunden", "23 hours ago"),
        (timedelta(days=1, hours=10), "vor 1 Tag", "1 day ago"),
        (timedelta(days=3), "vor 3 Tagen", "3 days ago"),
        (-timedelta(hours=2), "in 2 Stunden", "in 2 hours"),
    ],
)
def test_ago_reads_naturally_in_both_languages(delta: timedelta, german: str, english: str) -> None:
    """Never "1 Tage, 10 Stunden her": one unit, German dative plural, with its direction."""
    with translation.override("de"):
        assert ago(NOW - delta, now=NOW) == german
    with translation.override("en"):
        assert ago(NOW - delta, now=NOW) == english


def test_days_read_in_words_with_german_abbreviations() -> None:
    """Lists of dates say "Di., 8. Dez., 17:00" (Berlin time), the year only when it differs."""
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    start = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
    with translation.override("de"):
        assert day(start, now=now) == "Di., 8. Dez."
        assert day_time(start, now=now) == "Di., 8. Dez., 17:00"
        assert day(datetime(2027, 5, 1, 10, tzinfo=UTC), now=now) == "Sa., 1. Mai 2027"
    with translation.override("en"):
        assert day(start, now=now) == "Tue, Dec 8"
    assert day(None) == ""
