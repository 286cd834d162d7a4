"""The demo generator's sizes: "mid" sits between "bank" and "large"."""

from __future__ import annotations

from hanse.demo.context import SIZES
from hanse.demo.management.commands.seed_demo import Command
from hanse.demo.posts import VOLUMES


def test_every_size_has_people_and_a_stream() -> None:
    """Each size the command offers has both its people and its stream volumes."""
    assert set(SIZES) == set(VOLUMES)
    parser = Command().create_parser("manage.py", "seed_demo")
    size_action = next(a for a in parser._actions if a.dest == "size")
    assert list(size_action.choices or []) == list(SIZES)


def test_mid_is_a_mid_sized_organisation() -> None:
    """mid: 2,000 people, 50,000 posts, 100,000 comments, between bank and large."""
    assert "mid" in SIZES
    assert (SIZES["mid"].people, VOLUMES["mid"].posts, VOLUMES["mid"].comments) == (
        2_000,
        50_000,
        100_000,
    )
    order = ["small", "bank", "mid", "large"]
    assert [SIZES[s].people for s in order] == sorted(SIZES[s].people for s in order)
    assert [VOLUMES[s].posts for s in order] == sorted(VOLUMES[s].posts for s in order)
