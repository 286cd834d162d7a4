"""The shared state of one demo run: the size, the random sources, what was created so far."""

from __future__ import annotations

import contextlib
import hashlib
import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from django.db import models
from django.utils.text import slugify
from faker import Faker

from hanse.communities.models import Community
from hanse.people.models import Location, OrgUnit, Skill, User

BATCH_SIZE = 1000
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class SizeSpec:
    """How big the demo bank is."""

    name: str
    people: int
    branches: int
    # Region code of a town (data.TOWNS) -> the regional directorate it belongs to.
    regions: dict[str, str]
    head_office_share: float
    all_divisions: bool = True
    # Split head-office departments and big branches into teams (the large size).
    teams: bool = False
    # Scale of community memberships relative to the bank size (1.0 = the numbers in data).
    community_scale: float = 1.0
    all_communities: bool = True
    extra_communities: bool = False
    follows_per_person: tuple[int, int] = (4, 16)


_FOUR = {"N": "Nord", "M": "Nord", "O": "Ost", "S": "Süd", "H": "Süd", "W": "West"}

SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(
        name="small",
        people=40,
        branches=4,
        regions={"N": "Nord", "M": "Nord", "W": "Nord", "O": "Süd", "S": "Süd", "H": "Süd"},
        head_office_share=0.45,
        all_divisions=False,
        community_scale=0.12,
        all_communities=False,
        follows_per_person=(2, 8),
    ),
    "bank": SizeSpec(
        name="bank",
        people=700,
        branches=42,
        regions=_FOUR,
        head_office_share=0.42,
    ),
    # Between the two: the size of many real customers, and a quick bench.
    "mid": SizeSpec(
        name="mid",
        people=2_000,
        branches=60,
        regions=_FOUR,
        head_office_share=0.42,
        community_scale=2.5,
        follows_per_person=(4, 16),
    ),
    "large": SizeSpec(
        name="large",
        people=10_000,
        branches=150,
        regions={"N": "Nord", "M": "Mitte", "O": "Ost", "S": "Süd", "H": "Hamburg", "W": "West"},
        head_office_share=0.45,
        teams=True,
        community_scale=10.0,
        extra_communities=True,
        follows_per_person=(5, 20),
    ),
}


class PhaseBar(Protocol):
    """What a phase reports its progress to (a tqdm bar fits)."""

    def update(self, n: float | None = 1) -> bool | None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[str, int], PhaseBar]


class _NoBar:
    def update(self, n: float | None = 1) -> bool | None:
        return None

    def close(self) -> None:
        return None


def no_progress(label: str, total: int) -> PhaseBar:
    return _NoBar()


@dataclass(eq=False)
class UnitPlan:
    """An org unit before and after it is written."""

    name: str
    kind: str
    parent: UnitPlan | None
    short_name: str = ""
    slug: str = ""
    sort_order: int = 0
    # "head" for the head office, else the town of the branch.
    location_key: str = "head"
    location: Location | None = None
    weight: float = 1.0
    # Job titles of the people working here, and the skills they tend to have.
    titles: tuple[tuple[tuple[str, str], float], ...] = ()
    head_title: tuple[str, str] = ("", "")
    skills: tuple[str, ...] = ()
    # The top-level unit (division or regional directorate) this one belongs to.
    division: UnitPlan | None = None
    division_key: str = ""
    fixed_staff: int = 0
    headcount: int = 0
    obj: OrgUnit | None = None
    people: list[PersonPlan] = field(default_factory=list)

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgUnit.Kind.BRANCH or (
            self.parent is not None and self.parent.kind == OrgUnit.Kind.BRANCH
        )


@dataclass(eq=False)
class PersonPlan:
    first_name: str
    last_name: str
    female: bool
    username: str
    job_title: str
    unit: UnitPlan
    is_manager: bool = False
    account: str = ""
    user: User | None = None
    skills: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        if self.user is None or self.user.pk is None:
            raise RuntimeError(f"{self.username} has not been written yet.")
        return int(self.user.pk)


@dataclass(eq=False)
class DemoContext:
    """Everything the phases share. Each phase draws from its own random source so that adding
    a phase later (posts, events ...) does not change what the earlier phases produce."""

    spec: SizeSpec
    seed: int
    password_hash: str
    now: datetime
    progress: ProgressFactory = no_progress
    head_office: Location | None = None
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    accounts: dict[str, PersonPlan] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    communities: list[Community] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def _derived_seed(self, phase: str) -> int:
        digest = hashlib.sha256(f"hanse-demo:{self.seed}:{phase}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def rng(self, phase: str) -> random.Random:
        """A random source of its own for one phase."""
        return random.Random(self._derived_seed(phase))

    def faker(self, phase: str) -> Faker:
        fake = Faker("de_DE")
        fake.seed_instance(self._derived_seed(phase))
        return fake

    def when(self, rng: random.Random, *, days_ago_min: float, days_ago_max: float) -> datetime:
        """A moment between the two ages, with a plausible office time of day."""
        day = self.now - timedelta(days=rng.uniform(days_ago_min, days_ago_max))
        moment = day.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59), second=0)
        return min(moment, self.now)


def ascii_fold(text: str) -> str:
    """German-aware transliteration: "Jürgen Groß" -> "Juergen Gross"."""
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        text = text.replace(src, dst)
    text = text.replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def username_base(first_name: str, last_name: str) -> str:
    def part(name: str) -> str:
        folded = ascii_fold(name).lower()
        cleaned = "".join(c if c.isalnum() else "-" for c in folded)
        return "-".join(p for p in cleaned.split("-") if p)

    return f"{part(first_name)}.{part(last_name)}"


def unit_slug(name: str, taken: set[str]) -> str:
    """The slug people.services.orgunit_create would give a new unit in this tree."""
    root = (slugify(name) or "unit")[:74].strip("-") or "unit"
    slug = root
    n = 2
    while slug in taken:
        slug = f"{root}-{n}"
        n += 1
    taken.add(slug)
    return slug


def weighted_choice(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options], k=1)[0]


def bulk_create(
    model: type[M], objs: Sequence[M], bar: PhaseBar | None = None, **kwargs: Any
) -> list[M]:
    """Insert in batches, advancing the progress bar after each batch."""
    created: list[M] = []
    for start in range(0, len(objs), BATCH_SIZE):
        batch = list(objs[start : start + BATCH_SIZE])
        created.extend(model.objects.bulk_create(batch, **kwargs))  # type: ignore[attr-defined]
        if bar is not None:
            bar.update(len(batch))
    return created


@contextlib.contextmanager
def explicit_timestamps(model: type[models.Model], field_name: str) -> Iterator[None]:
    """Let bulk_create keep the historic timestamps the demo sets on an auto_now_add field.

    Django overwrites auto_now_add values on insert; the demo spreads follows and memberships
    over the past two years so that network analytics have a history to show.
    """
    model_field = model._meta.get_field(field_name)
    previous = model_field.auto_now_add  # type: ignore[union-attr]
    model_field.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        model_field.auto_now_add = previous  # type: ignore[union-attr]
