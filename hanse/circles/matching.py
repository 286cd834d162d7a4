"""Matching sign-ups into circles: greedy construction, then local search.

Why a heuristic and not an exact optimiser: the problem is a constrained partitioning
(groups of 4-5 with a common slot, venue and language, forbidden pairs), NP-hard in general,
and no MIP/CP solver is a dependency of Hanse. A greedy start ordered by how constrained a
person is (fewest slots first, as in graph colouring's DSatur), followed by move and swap
local search on a weighted objective, is the classic well-founded approach for such grouping
problems; it reaches placed shares of 95-100 % in well under a second for a bank's pool and
is deterministic: the same input gives the same result (a seeded generator, no clocks).

Hard rules (never broken, checked on every move): every circle has a common meeting slot, a
common venue (online, or the same location on site) and a common language, no member
excluded another, and sizes stay within the bounds. The objective (lower is better) has
named parts, printed for the coordinator: unplaced people, circles from a single unit,
pairs from the same unit, wishes to be together not honoured.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

# Weights of the objective's parts: placing a person matters most, then a circle that is
# all one unit, then wishes, then each pair of colleagues from the same unit.
W_UNPLACED = 1000
W_SINGLE_UNIT = 120
W_WISH = 25
W_SAME_UNIT_PAIR = 8

ONLINE = 1  # bit 0 of the venue mask; bit 1 + location index for on site at a location


@dataclass(frozen=True)
class Person:
    id: int
    slots: int  # bit mask of meeting slots
    venues: int  # bit mask: online and/or on site at one location
    languages: int  # bit mask: 1 German, 2 English
    unit: int | None = None
    wants: frozenset[int] = frozenset()
    excludes: frozenset[int] = frozenset()


@dataclass
class Objective:
    unplaced: int = 0
    single_unit_circles: int = 0
    same_unit_pairs: int = 0
    wishes_unhonoured: int = 0
    wishes_honoured: int = 0
    hard_violations: int = 0

    @property
    def total(self) -> int:
        return (
            self.unplaced * W_UNPLACED
            + self.single_unit_circles * W_SINGLE_UNIT
            + self.wishes_unhonoured * W_WISH
            + self.same_unit_pairs * W_SAME_UNIT_PAIR
            + self.hard_violations * 1_000_000
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "unplaced": self.unplaced,
            "single_unit_circles": self.single_unit_circles,
            "same_unit_pairs": self.same_unit_pairs,
            "wishes_unhonoured": self.wishes_unhonoured,
            "wishes_honoured": self.wishes_honoured,
            "hard_violations": self.hard_violations,
            "total": self.total,
        }


@dataclass
class Result:
    circles: list[list[int]]
    unplaced: list[int]
    objective: Objective = field(default_factory=Objective)


def _bits(mask: int) -> int:
    return mask.bit_count()


class _Matcher:
    def __init__(self, people: Sequence[Person], min_size: int, max_size: int, seed: int):
        self.people = {p.id: p for p in people}
        self.min = min_size
        self.max = max_size
        self.rng = random.Random(seed)  # noqa: S311  # a reproducible sample, not a secret
        # Exclusions count both ways: "I would rather not" keeps the pair apart.
        self.excl: dict[int, set[int]] = {p.id: set() for p in people}
        for p in people:
            for other in p.excludes:
                if other in self.people and other != p.id:
                    self.excl[p.id].add(other)
                    self.excl[other].add(p.id)
        self.wants = {p.id: {w for w in p.wants if w in self.people} for p in people}
        self.unit = {p.id: p.unit for p in people}
        self.wish_pairs = {(p.id, w) for p in people for w in self.wants[p.id]}
        # Who is wanted by whom (the other direction of a wish), for the greedy's key.
        self.wanted_by: dict[int, set[int]] = {}
        for a, b in self.wish_pairs:
            self.wanted_by.setdefault(b, set()).add(a)
        # Slots, venues and languages packed side by side into one int per person: the AND of
        # a circle's masks has a common slot, venue and language when each field is non-zero,
        # so "could this person join" is one AND and three tests (see _meets).
        s_width = max((p.slots.bit_length() for p in people), default=0)
        v_width = max((p.venues.bit_length() for p in people), default=0)
        l_width = max((p.languages.bit_length() for p in people), default=0)
        self.slot_field = (1 << s_width) - 1
        self.venue_field = ((1 << v_width) - 1) << s_width
        self.lang_field = ((1 << l_width) - 1) << (s_width + v_width)
        self.mask = {
            p.id: p.slots | p.venues << s_width | p.languages << (s_width + v_width) for p in people
        }
        # People whom a wish touches (either way); the others change no wish count by moving.
        self.wishful = {pid for pid in self.people if self.wants[pid] or pid in self.wanted_by}

    # --- hard rules ------------------------------------------------------------------------
    def feasible(self, members: Iterable[int]) -> bool:
        slots, venues, langs = -1, -1, -1
        seen: list[int] = []
        for pid in members:
            p = self.people[pid]
            slots &= p.slots
            venues &= p.venues
            langs &= p.languages
            if not (slots and venues and langs):
                return False
            if self.excl[pid].intersection(seen):
                return False
            seen.append(pid)
        return True

    def violations(self, members: Sequence[int]) -> int:
        bad = 0 if self.feasible(members) else 1
        if not self.min <= len(members) <= self.max:
            bad += 1
        return bad

    # --- soft parts, per circle ------------------------------------------------------------
    def circle_cost(self, members: Sequence[int]) -> tuple[int, int, int]:
        """(single-unit circle 0/1, same-unit pairs, wishes honoured inside). The hot path of
        the local search: plain loops over four or five people, no allocations beyond one set."""
        units = [self.unit[m] for m in members]
        distinct = set(units)
        pairs = 0
        if len(distinct) < len(units):
            for u in distinct:
                if u is not None:
                    c = units.count(u)
                    pairs += c * (c - 1) // 2
        single = 1 if len(units) > 1 and len(distinct) == 1 and units[0] is not None else 0
        honoured = 0
        inside: set[int] | None = None
        for m in members:
            wants = self.wants[m]
            if wants:
                if inside is None:
                    inside = set(members)
                honoured += len(wants & inside)
        return single, pairs, honoured

    def circle_score(self, members: Sequence[int]) -> int:
        single, pairs, honoured = self.circle_cost(members)
        return single * W_SINGLE_UNIT + pairs * W_SAME_UNIT_PAIR - honoured * W_WISH

    def objective(self, circles: list[list[int]], unplaced: Sequence[int]) -> Objective:
        obj = Objective(unplaced=len(unplaced))
        for members in circles:
            single, pairs, honoured = self.circle_cost(members)
            obj.single_unit_circles += single
            obj.same_unit_pairs += pairs
            obj.wishes_honoured += honoured
            obj.hard_violations += self.violations(members)
        obj.wishes_unhonoured = len(self.wish_pairs) - obj.wishes_honoured
        return obj

    # --- greedy construction ---------------------------------------------------------------
    def greedy(self) -> tuple[list[list[int]], list[int]]:
        n = len(self.people)
        if n < self.min:
            return [], sorted(self.people)
        # Circles are first filled to the lower bound, leaving room for the leftovers that
        # the insertion step and the local search place afterwards.
        target = self.min
        # Most constrained first: fewest slots, venues and languages; ids break ties.
        order = sorted(
            self.people.values(),
            key=lambda p: (_bits(p.slots) * 4 + _bits(p.venues) * 2 + _bits(p.languages), p.id),
        )
        index = _BitIndex(order)
        rank = index.rank
        free = (1 << len(order)) - 1  # bit r: the person of rank r is not placed yet
        circles: list[list[int]] = []
        leftovers: list[int] = []
        for r, seed in enumerate(order):
            if not free >> r & 1:
                continue
            free &= ~(1 << r)
            group = self._grow(seed, free, index, target)
            # A circle that stays too small may have taken the wrong second member (the five
            # at a small branch who share one slot, of whom the first pick shares another):
            # try again without it, a few times.
            banned = 0
            for _retry in range(GREEDY_RETRIES):
                if len(group) >= self.min or len(group) < 2:
                    break
                banned |= 1 << rank[group[1]]
                group = self._grow(seed, free & ~banned, index, target)
            if len(group) >= self.min:
                circles.append(group)
                for pid in group[1:]:
                    free &= ~(1 << rank[pid])
            else:
                leftovers.append(seed.id)
        leftovers.extend(sorted(index.ids[r] for r in _ranks(free)))
        masks = [self.circle_mask(c) for c in circles]
        unplaced = [pid for pid in leftovers if not self._insert(pid, circles, masks)]
        return circles, unplaced

    def _grow(self, seed: Person, free: int, index: _BitIndex, size: int) -> list[int]:
        """A circle around ``seed`` from the free (a bit set over ranks): each step takes, of
        the first GREEDY_SCAN who could still join (most constrained first), one a member
        wishes for (or who wishes for one), else one of a unit least represented, then the one
        keeping most common slots, then the most constrained. All filters are ANDs of bit
        sets; only the few with a wish are looked at one by one."""
        group = [seed.id]
        units = {seed.unit: 1}
        slots, venues, langs = seed.slots, seed.venues, seed.languages
        rank, ids, people, wants = index.rank, index.ids, self.people, self.wants
        out = index.excluded(seed.id, self.excl) | 1 << rank[seed.id]
        wished = index.ties(seed.id, wants, self.wanted_by)
        while len(group) < size:
            could = free & ~out & index.any_of(index.venue, venues)
            could &= index.any_of(index.lang, langs) & index.any_of(index.slot, slots)
            if not could:
                break
            with_wish = could & wished  # few: looked at wherever they are in the order
            could = _first(could, GREEDY_SCAN)
            if with_wish:
                best, best_key = -1, None
                for r in _ranks(with_wish):
                    pid = ids[r]
                    p = people[pid]
                    wish = sum(1 for g in group if g in wants[pid] or pid in wants[g])
                    key = (wish, -units.get(p.unit, 0), (slots & p.slots).bit_count(), -r)
                    if best_key is None or key > best_key:
                        best, best_key = r, key
            else:
                # Fewest of the same unit: none if possible, else the least represented.
                elsewhere = could & ~index.any_unit(units)
                if elsewhere:
                    could = elsewhere
                else:
                    fewest = min(units[u] for u in units if could & index.unit[u])
                    could &= index.any_unit([u for u in units if units[u] == fewest])
                could = index.most_common_slots(could, slots)
                best = (could & -could).bit_length() - 1
            pid = ids[best]
            p = people[pid]
            group.append(pid)
            free &= ~(1 << best)
            out |= index.excluded(pid, self.excl)
            wished |= index.ties(pid, wants, self.wanted_by)
            units[p.unit] = units.get(p.unit, 0) + 1
            slots &= p.slots
            venues &= p.venues
            langs &= p.languages
        return group

    def _meets(self, mask: int) -> bool:
        """A packed mask (an AND of people's) has a common slot, venue and language."""
        return bool(mask & self.slot_field and mask & self.venue_field and mask & self.lang_field)

    def circle_mask(self, members: Iterable[int]) -> int:
        mask = -1
        for m in members:
            mask &= self.mask[m]
        return mask

    def _unit_counts(self, members: Sequence[int]) -> dict[int | None, int]:
        counts: dict[int | None, int] = {}
        unit = self.unit
        for m in members:
            u = unit[m]
            counts[u] = counts.get(u, 0) + 1
        return counts

    def _links(self, pid: int, rest: Sequence[int]) -> int:
        """Wishes honoured between ``pid`` and ``rest`` (both ways) and ``pid``'s own wish for
        itself: what ``pid`` adds to a circle's honoured wishes by joining ``rest``."""
        if pid not in self.wishful:
            return 0
        wants = self.wants
        mine = wants[pid]
        links = 1 if pid in mine else 0
        for r in rest:
            if r in mine:
                links += 1
            if pid in wants[r]:
                links += 1
        return links

    def _gain(self, pid: int, members: Sequence[int], counts: dict[int | None, int]) -> int:
        """circle_score(members + [pid]) - circle_score(members), without building either."""
        u = self.unit[pid]
        n = len(members)
        delta = 0
        if u is not None:
            same = counts.get(u, 0)
            delta += same * W_SAME_UNIT_PAIR
            if same == n and n >= 1:
                delta += W_SINGLE_UNIT  # all of one unit with the newcomer
        if n > 1 and self._single(counts, n):
            delta -= W_SINGLE_UNIT  # was all one unit, the newcomer's is another
        return delta - self._links(pid, members) * W_WISH

    @staticmethod
    def _single(counts: dict[int | None, int], n: int) -> bool:
        """The members counted are all of one (known) unit."""
        return len(counts) == 1 and None not in counts and n > 1

    def _loss(
        self, i: int, members: Sequence[int], counts: dict[int | None, int]
    ) -> tuple[int, list[int], dict[int | None, int]]:
        """(circle_score(members without members[i]) - circle_score(members), the members
        left, their unit counts)."""
        pid = members[i]
        rest = [*members[:i], *members[i + 1 :]]
        u = self.unit[pid]
        left = dict(counts)
        if left[u] == 1:
            del left[u]
        else:
            left[u] -= 1
        # Leaving is joining backwards: the score drops by what joining would add.
        return -self._gain(pid, rest, left), rest, left

    def _insert(
        self, pid: int, circles: list[list[int]], masks: list[int] | None = None, skip: int = -1
    ) -> bool:
        if masks is None:
            masks = [self.circle_mask(c) for c in circles]
        mine, excl = self.mask[pid], self.excl[pid]
        best_i, best_delta = None, None
        for i, members in enumerate(circles):
            if len(members) >= self.max or not self._meets(masks[i] & mine) or i == skip:
                continue
            if excl and not excl.isdisjoint(members):
                continue
            delta = self._gain(pid, members, self._unit_counts(members))
            if best_delta is None or delta < best_delta:
                best_i, best_delta = i, delta
        if best_i is None:
            return False
        circles[best_i].append(pid)
        masks[best_i] &= mine
        return True

    def _eject(self, pid: int, circles: list[list[int]], masks: list[int]) -> bool:
        """Place ``pid`` in the first circle where it could take someone's place whom another
        circle with room takes in (an ejection chain of length one)."""
        mine, excl, mask, meets = self.mask[pid], self.excl[pid], self.mask, self._meets
        for i, members in enumerate(circles):
            without = _all_but_one([mask[m] for m in members])
            for k, other in enumerate(members):
                if not meets(mine & without[k]):
                    continue
                rest = [*members[:k], *members[k + 1 :]]
                if excl and not excl.isdisjoint(rest):
                    continue
                if self._insert(other, circles, masks, skip=i):
                    circles[i] = [*rest, pid]
                    masks[i] = without[k] & mine
                    return True
        return False

    # --- local search ----------------------------------------------------------------------
    def improve(
        self, circles: list[list[int]], unplaced: list[int], passes: int = 4, sample: int = 12
    ) -> None:
        if not circles:
            return
        masks = [self.circle_mask(c) for c in circles]
        for _pass in range(passes):
            improved = False
            # Unplaced people: insert into a circle with room, or swap with someone who fits
            # elsewhere (an ejection chain of length one).
            for pid in list(unplaced):
                if self._insert(pid, circles, masks) or self._eject(pid, circles, masks):
                    unplaced.remove(pid)
                    improved = True
            pots = [self.potential(c) for c in circles]
            # What a pair of circles needs for a move or swap to lower the objective: a unit
            # penalty in one of them, or a wish between a member of one and of the other.
            # Without either, every move and swap only adds penalties or parts wishes (so
            # skipping such pairs changes no decision, only the time).
            uneven = [self._unit_penalty(c) for c in circles]
            ties = [self._ties(c) for c in circles]
            n = len(circles)
            for a in range(n):
                others = (
                    list(range(n)) if n <= sample + 1 else self.rng.sample(range(n), min(n, sample))
                )
                for b in others:
                    # Two circles with nothing to gain are not worth a move or a swap.
                    if a == b or not (pots[a] or pots[b]):
                        continue
                    if not (
                        uneven[a] or uneven[b] or (ties[a] and not ties[a].isdisjoint(circles[b]))
                    ):
                        continue
                    if self._try_pair(circles, masks, a, b):
                        pots[a], pots[b] = self.potential(circles[a]), self.potential(circles[b])
                        uneven[a], uneven[b] = (
                            self._unit_penalty(circles[a]),
                            self._unit_penalty(circles[b]),
                        )
                        ties[a], ties[b] = self._ties(circles[a]), self._ties(circles[b])
                        improved = True
            if not improved:
                break

    def _unit_penalty(self, members: Sequence[int]) -> bool:
        """Two members of one unit (or a circle all of one unit)."""
        units = [self.unit[m] for m in members if self.unit[m] is not None]
        return len(set(units)) < len(units)

    def _ties(self, members: Sequence[int]) -> set[int]:
        """Everyone outside the circle whom a member wishes for or is wished for by."""
        ties: set[int] = set()
        for m in members:
            if m in self.wishful:
                ties |= self.wants[m]
                ties |= self.wanted_by.get(m, set())
        return ties.difference(members)

    def potential(self, members: Sequence[int]) -> int:
        """What a circle could still gain: its unit penalties and its members' unhonoured
        wishes."""
        single, pairs, honoured = self.circle_cost(members)
        wishes = sum(len(self.wants[m]) for m in members)
        return single + pairs + wishes - honoured

    def _try_pair(self, circles: list[list[int]], masks: list[int], a: int, b: int) -> bool:
        """The first move (a person from a to b) or swap (one of a with one of b) that lowers
        the objective and keeps the hard rules; scored by the change alone (_gain, _loss), its
        slots, venues and languages checked with one AND against the circle without the one
        leaving (the masks of everyone but one, built once per pair of circles)."""
        ca, cb = circles[a], circles[b]
        mask, excl, meets = self.mask, self.excl, self._meets
        counts_a, counts_b = self._unit_counts(ca), self._unit_counts(cb)
        mask_b = masks[b]
        # Move one person from a to b.
        if len(ca) > self.min and len(cb) < self.max:
            for i, pid in enumerate(ca):
                if not meets(mask_b & mask[pid]):
                    continue
                if excl[pid] and not excl[pid].isdisjoint(cb):
                    continue
                loss, rest, _left = self._loss(i, ca, counts_a)
                if loss + self._gain(pid, cb, counts_b) < 0:
                    circles[a], circles[b] = rest, [*cb, pid]
                    masks[a], masks[b] = self.circle_mask(rest), mask_b & mask[pid]
                    return True
        # Swap one person of a with one of b. Two people of the same unit whom no wish
        # touches change nothing; a swap the slots, venues or languages forbid is skipped
        # before it is scored.
        unit, wishful = self.unit, self.wishful
        without_a = _all_but_one([mask[m] for m in ca])
        without_b = _all_but_one([mask[m] for m in cb])
        left_b = [self._loss(j, cb, counts_b) for j in range(len(cb))]
        for i, pa in enumerate(ca):
            quiet_a = pa not in wishful
            fits_in_b = [meets(mask[pa] & w) for w in without_b]
            if not any(fits_in_b):
                continue
            loss_a, rest_a, counts_ra = self._loss(i, ca, counts_a)
            for j, pb in enumerate(cb):
                if quiet_a and unit[pa] == unit[pb] and pb not in wishful:
                    continue
                if not (fits_in_b[j] and meets(mask[pb] & without_a[i])):
                    continue
                loss_b, rest_b, counts_rb = left_b[j]
                change = (
                    loss_a
                    + self._gain(pb, rest_a, counts_ra)
                    + loss_b
                    + self._gain(pa, rest_b, counts_rb)
                )
                if change >= 0:
                    continue
                if (not excl[pb] or excl[pb].isdisjoint(rest_a)) and (
                    not excl[pa] or excl[pa].isdisjoint(rest_b)
                ):
                    na = [*ca[:i], pb, *ca[i + 1 :]]
                    nb = [*cb[:j], pa, *cb[j + 1 :]]
                    circles[a], circles[b] = na, nb
                    masks[a], masks[b] = self.circle_mask(na), self.circle_mask(nb)
                    return True
        return False


# How many of those who could join a growing circle the greedy weighs, most constrained
# first: enough to find wishes and a unit mix, few enough that the flexible are left over for
# the constrained who come later.
GREEDY_SCAN = 200
# How often the greedy tries a seed again when its circle stayed too small.
GREEDY_RETRIES = 3


class _BitIndex:
    """People by rank (most constrained first), and for each slot, venue, language and unit
    the set of people who have it as one int, bit r for rank r: "who could still join" is a
    handful of ANDs and ORs over a few hundred machine words instead of a loop over people."""

    def __init__(self, order: Sequence[Person]) -> None:
        self.ids = [p.id for p in order]
        self.rank = {pid: r for r, pid in enumerate(self.ids)}
        self.slot = _bit_sets(order, lambda p: p.slots)
        self.venue = _bit_sets(order, lambda p: p.venues)
        self.lang = _bit_sets(order, lambda p: p.languages)
        by_unit: dict[int | None, list[int]] = {}
        for r, p in enumerate(order):
            by_unit.setdefault(p.unit, []).append(r)
        self.unit = {u: _from_ranks(rs) for u, rs in by_unit.items()}

    def any_of(self, sets: list[int], mask: int) -> int:
        """Everyone with at least one of the bits of ``mask``."""
        found = 0
        for bit in _ranks(mask):
            if bit < len(sets):
                found |= sets[bit]
        return found

    def any_unit(self, units: Iterable[int | None]) -> int:
        found = 0
        for u in units:
            found |= self.unit.get(u, 0)
        return found

    def excluded(self, pid: int, excl: dict[int, set[int]]) -> int:
        return _from_ranks([self.rank[o] for o in excl[pid]])

    def ties(self, pid: int, wants: dict[int, set[int]], wanted_by: dict[int, set[int]]) -> int:
        """Whom ``pid`` wishes for and who wishes for ``pid``."""
        others = wants[pid] | wanted_by.get(pid, set())
        return _from_ranks([self.rank[o] for o in others]) if others else 0

    def most_common_slots(self, candidates: int, slots: int) -> int:
        """Those of ``candidates`` who share the most of ``slots``: a counter per candidate
        kept in bit planes (plane k holds bit k of each one's count), added up slot by slot."""
        planes: list[int] = []
        for bit in _ranks(slots):
            if bit >= len(self.slot):
                continue
            carry = self.slot[bit] & candidates
            k = 0
            while carry:
                if k == len(planes):
                    planes.append(carry)
                    break
                planes[k], carry = planes[k] ^ carry, planes[k] & carry
                k += 1
        best = candidates
        for plane in reversed(planes):
            if best & plane:
                best &= plane
        return best


def _bit_sets(order: Sequence[Person], mask_of: Callable[[Person], int]) -> list[int]:
    """For each bit of the masks, the people (by rank) whose mask has it."""
    width = max((mask_of(p).bit_length() for p in order), default=0)
    ranks: list[list[int]] = [[] for _ in range(width)]
    for r, p in enumerate(order):
        for bit in _ranks(mask_of(p)):
            ranks[bit].append(r)
    return [_from_ranks(rs) for rs in ranks]


def _from_ranks(ranks: Iterable[int]) -> int:
    found = bytearray()
    for r in ranks:
        byte = r >> 3
        if byte >= len(found):
            found.extend(bytes(byte + 1 - len(found)))
        found[byte] |= 1 << (r & 7)
    return int.from_bytes(found, "little")


def _ranks(bits: int) -> Iterator[int]:
    """The positions of the set bits, lowest first."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def _first(bits: int, k: int) -> int:
    """The ``k`` lowest set bits of ``bits`` (all of them when there are fewer)."""
    if bits.bit_count() <= k:
        return bits
    lo, hi = 0, bits.bit_length()  # the k-th set bit lies below hi
    while lo < hi:
        mid = (lo + hi) // 2
        if (bits & ((1 << mid) - 1)).bit_count() >= k:
            hi = mid
        else:
            lo = mid + 1
    return bits & ((1 << lo) - 1)


def _all_but_one(masks: list[int]) -> list[int]:
    """For each position, the AND of all the other masks (prefix and suffix ANDs)."""
    n = len(masks)
    prefix = [-1] * (n + 1)
    for k in range(n):
        prefix[k + 1] = prefix[k] & masks[k]
    out = [-1] * n
    suffix = -1
    for k in range(n - 1, -1, -1):
        out[k] = prefix[k] & suffix
        suffix &= masks[k]
    return out


def match(
    people: Sequence[Person], *, min_size: int = 4, max_size: int = 5, seed: int = 15
) -> Result:
    """Form circles of ``min_size``..``max_size`` from ``people``; deterministic."""
    matcher = _Matcher(sorted(people, key=lambda p: p.id), min_size, max_size, seed)
    circles, unplaced = matcher.greedy()
    matcher.improve(circles, unplaced)
    circles = sorted((sorted(c) for c in circles), key=lambda c: c[0])
    unplaced = sorted(unplaced)
    return Result(
        circles=circles, unplaced=unplaced, objective=matcher.objective(circles, unplaced)
    )


def evaluate(
    people: Sequence[Person],
    circles: list[list[int]],
    unplaced: Sequence[int],
    *,
    min_size: int,
    max_size: int,
) -> Objective:
    """The objective's parts of a (possibly hand-edited) proposal."""
    return _Matcher(people, min_size, max_size, 0).objective(circles, unplaced)


def fits(people: Sequence[Person], members: Sequence[int], *, max_size: int) -> bool:
    """Whether these people may form a circle by the hard rules (size: the upper bound only,
    a circle being filled may still be small)."""
    return len(members) <= max_size and _Matcher(people, 1, max_size, 0).feasible(members)


# The hard rules by name, for showing a coordinator which one a circle would break.
HARD_RULES = ("too_large", "too_small", "no_time", "no_place", "no_language", "ruled_out")


def hard_rule_breaks(
    people: Sequence[Person], members: Sequence[int], *, min_size: int, max_size: int
) -> list[str]:
    """Which hard rules these people together would break (names from ``HARD_RULES``, in
    that order; empty: none). Never says whose sign-up rules a pair out."""
    by_id = {p.id: p for p in people}
    members = [m for m in members if m in by_id]
    breaks: list[str] = []
    if len(members) > max_size:
        breaks.append("too_large")
    if members and len(members) < min_size:
        breaks.append("too_small")
    if not members:
        return breaks
    slots = venues = langs = -1
    for m in members:
        slots &= by_id[m].slots
        venues &= by_id[m].venues
        langs &= by_id[m].languages
    if not slots:
        breaks.append("no_time")
    if not venues:
        breaks.append("no_place")
    if not langs:
        breaks.append("no_language")
    inside = set(members)
    if any((by_id[m].excludes & inside) - {m} for m in members):
        breaks.append("ruled_out")
    return breaks
