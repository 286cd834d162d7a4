"""Weeks (ISO, starting Monday) and calendar months."""

from __future__ import annotations

from datetime import date, timedelta


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def period_end(period: str, start: date) -> date:
    """The first day after the period."""
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods_touching(first: date, last: date) -> list[tuple[str, date]]:
    """Every week and month with a day in [first, last], in order."""
    found: list[tuple[str, date]] = []
    week = week_start(first)
    while week <= last:
        found.append(("week", week))
        week += timedelta(days=7)
    month = month_start(first)
    while month <= last:
        found.append(("month", month))
        month = period_end("month", month)
    return found


def weeks_tiling(month: date) -> list[date] | None:
    """The weeks that exactly make up a month (a February starting on a Monday), else None:
    only then do a month's figures equal the sum of its weeks'."""
    end = period_end("month", month)
    if month.weekday() != 0 or (end - month).days % 7:
        return None
    return [month + timedelta(days=7 * i) for i in range((end - month).days // 7)]
