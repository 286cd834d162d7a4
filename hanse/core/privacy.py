"""The minimum group rule: no figure about what people did counts fewer than
``MIN_GROUP_SIZE`` people, so nobody can be singled out (staff council, data protection).

Every figure about who read, confirmed or took part goes through these functions, totals
included. A count ``k`` of a group of ``n`` people tells something about two groups: the
``k`` who did and the ``n - k`` who did not. Each must be empty or at least the minimum size:
"9 of 10 confirmed" names the one who did not as surely as "1 of 10" names the one who did.
A table of disjoint groups with a total is checked once more as a whole
(:func:`group_counts`): what the total leaves after the groups shown is itself a figure.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_GROUP_SIZE = 5


def _allowed(people: int) -> bool:
    return people == 0 or people >= MIN_GROUP_SIZE


def group_size(n: int) -> int | None:
    """The size of a group, or None when it is too small to report anything about."""
    return n if n >= MIN_GROUP_SIZE else None


def group_count(count: int, of: int) -> int | None:
    """``count`` of the ``of`` people in a group did something: the figure, or None when it
    would single people out (a small group, or few who did or few who did not)."""
    if of < MIN_GROUP_SIZE or not _allowed(count) or not _allowed(of - count):
        return None
    return count


def share(count: int | None, of: int | None) -> int | None:
    """A shown count as a percentage of a shown group size, else None."""
    if count is None or not of:
        return None
    return round(100 * count / of)


def group_counts(groups: Sequence[tuple[int, int]]) -> tuple[list[int | None], int | None]:
    """Counts per group and for all together, for disjoint ``(count, of)`` groups.

    Each group follows :func:`group_count`. When the total is shown, the people of the hidden
    groups are a group too (the total minus the shown ones), so while that remainder would
    single people out, the smallest shown group is hidden as well (secondary suppression).
    """
    shown = [group_count(count, of) for count, of in groups]
    total = group_count(sum(c for c, _n in groups), sum(n for _c, n in groups))
    if total is None:
        return shown, None
    while True:
        hidden = [i for i, value in enumerate(shown) if value is None]
        rest = group_count(sum(groups[i][0] for i in hidden), sum(groups[i][1] for i in hidden))
        visible = [i for i, value in enumerate(shown) if value is not None]
        if not hidden or rest is not None or not visible:
            return shown, total
        shown[min(visible, key=lambda i: (groups[i][1], i))] = None
