"""Following Active Directory's ranges (hanse/identity/ldap/ranges.py) where no real server
can be made to answer so: Active Directory's own answer to a plain read beyond MaxValRange
(Samba hands out everything, tests/identity/test_ldap_ad.py asks it for ranges instead), and
directories that break the rules. The answers are scripted; the reads of a real server are
in test_ldap_ad.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from hanse.identity.ldap.ranges import MAX_ROUNDS, Part, RangeError, part_of, read_all

MEMBERS = [f"CN=ma{n:04d},OU=Mitarbeiter,DC=bank,DC=local" for n in range(3200)]


def active_directory(
    values: list[str], limit: int = 1500, *, log: list[str] | None = None
) -> Callable[[str], Mapping[str, list[str]]]:
    """What Active Directory answers with MaxValRange ``limit``: the plain attribute empty and
    ``member;range=S-E`` beside it; ``*`` on the last range; an empty last range when the
    values end exactly at a range's end."""

    def fetch(description: str) -> Mapping[str, list[str]]:
        if log is not None:
            log.append(description)
        name, _sep, option = description.partition(";")
        if not option:
            if len(values) <= limit:
                return {name: values}
            return {name: [], f"{name};range=0-{limit - 1}": values[:limit]}
        start_text, end_text = option.removeprefix("range=").split("-")
        start, last = int(start_text), len(values) - 1
        wanted = last if end_text == "*" else int(end_text)
        cap = start + limit - 1
        if wanted >= last and cap > last:
            return {f"{name};range={start}-*": values[start:]}
        # Cut by the limit exactly at the last value, AD does not know yet that it is the last:
        # the next answer is an empty "*" range.
        end = min(wanted, cap)
        return {f"{name};range={start}-{end}": values[start : end + 1]}

    return fetch


def test_every_range_is_read_until_the_star() -> None:
    log: list[str] = []
    assert read_all(active_directory(MEMBERS, log=log), "member") == MEMBERS
    assert log == ["member", "member;range=1500-*", "member;range=3000-*"]


def test_an_empty_last_range_ends_the_read() -> None:
    """3,000 values at 1,500 a time: the third answer is "member;range=3000-*" with none."""
    log: list[str] = []
    assert read_all(active_directory(MEMBERS[:3000], log=log), "member") == MEMBERS[:3000]
    assert log == ["member", "member;range=1500-*", "member;range=3000-*"]


def test_a_last_range_left_out_ends_the_read_too() -> None:
    answers = iter([{"member;range=0-1": ["a", "b"]}, {"objectClass": ["group"]}])
    assert read_all(lambda _d: next(answers), "member") == ["a", "b"]


def test_a_directory_that_does_not_range_is_read_once() -> None:
    log: list[str] = []
    assert read_all(active_directory(MEMBERS[:10], log=log), "member") == MEMBERS[:10]
    assert log == ["member"]


def test_a_range_size_asks_for_that_many_at_a_time() -> None:
    """LDAP_RANGE_SIZE below the directory's limit: windows of that size; above it, the
    directory's shorter ranges are followed from where they end."""
    log: list[str] = []
    assert read_all(active_directory(MEMBERS[:25], log=log), "member", size=10) == MEMBERS[:25]
    assert log == ["member;range=0-9", "member;range=10-19", "member;range=20-29"]
    log.clear()
    got = read_all(active_directory(MEMBERS, log=log), "member", size=2000)
    assert got == MEMBERS
    assert log == ["member;range=0-1999", "member;range=1500-3499", "member;range=3000-4999"]


def test_names_compare_without_letter_case() -> None:
    assert part_of({"Member;Range=0-*": ["a"]}, "member") == Part(["a"], True, 0, None)
    assert part_of({"MEMBER": ["a"]}, "member") == Part(["a"])
    answers = iter([{"member;RANGE=0-0": ["a"]}, {"MEMBER;range=1-*": ["b"]}])
    assert read_all(lambda _d: next(answers), "Member") == ["a", "b"]


def test_other_options_and_attributes_are_not_the_attribute() -> None:
    attrs = {"memberOf": ["x"], "member;binary": ["y"], "member;range=bogus": ["z"]}
    assert part_of(attrs, "member") is None
    assert read_all(lambda _d: attrs, "member") == []


def test_no_entry_is_none() -> None:
    assert read_all(lambda _d: None, "member") is None


def _scripted(
    *answers: Mapping[str, list[str]] | None,
) -> Callable[[str], Mapping[str, list[str]] | None]:
    it = iter(answers)
    return lambda _d: next(it)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            [{"member;range=0-1": ["a", "b"]}, {"member;range=5-*": ["c"]}],
            "from value 5 where value 2 was asked for",
        ),
        ([{"member;range=0-1": ["a", "b"]}, {"member;range=2-1": []}], "range 2-1"),
        ([{"member;range=0-9": ["a", "b"]}], "range 0-9 of member with 2 values"),
        ([{"member;range=0-1": ["a", "b"]}, {"member": ["a", "b", "c"]}], "without a range"),
        ([{"member;range=0-1": ["a", "b"]}, None], "disappeared"),
        ([{"member;range=0-0": ["a"], "member;range=1-*": ["b"]}], "2 ranges"),
    ],
)
def test_a_misbehaving_directory_is_an_error(
    answers: list[Mapping[str, list[str]] | None], message: str
) -> None:
    with pytest.raises(RangeError, match=message):
        read_all(_scripted(*answers), "member")


def test_ranges_that_never_end_stop_after_max_rounds() -> None:
    """A directory that keeps handing out one more value: a hard stop, not an endless loop."""
    calls: list[str] = []

    def endless(description: str) -> Mapping[str, list[str]]:
        calls.append(description)
        start = len(calls) - 1
        return {f"member;range={start}-{start}": [str(start)]}

    with pytest.raises(RangeError, match=f"after {MAX_ROUNDS} requests"):
        read_all(endless, "member")
    assert len(calls) == MAX_ROUNDS
