"""People: employees with German names, titles, contact data, skills, and who follows whom."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hanse.demo import data
from hanse.demo.context import (
    DemoContext,
    PersonPlan,
    UnitPlan,
    bulk_create,
    explicit_timestamps,
    username_base,
    weighted_choice,
)
from hanse.people.models import Follow, OrgUnit, Skill, User
from hanse.people.services import skill_slug

MOBILE_PREFIXES = ("151", "152", "157", "160", "162", "170", "171", "172", "175", "176")


def _allocate(total: int, units: Sequence[UnitPlan], minimum: int) -> None:
    """Share ``total`` people among units by weight (largest remainder, so it adds up)."""
    if not units:
        return
    base = [minimum] * len(units)
    rest = max(0, total - minimum * len(units))
    weights = [u.weight for u in units]
    weight_sum = sum(weights) or 1.0
    shares = [rest * w / weight_sum for w in weights]
    extra = [int(s) for s in shares]
    left = rest - sum(extra)
    by_remainder = sorted(range(len(units)), key=lambda i: (-(shares[i] - extra[i]), i))
    for i in by_remainder[:left]:
        extra[i] += 1
    for unit, b, e in zip(units, base, extra, strict=True):
        unit.headcount = b + e


def plan_headcounts(ctx: DemoContext) -> None:
    """How many people work in each unit; every unit has at least its manager."""
    units = ctx.units
    has_children = {id(u.parent) for u in units if u.parent is not None}
    for unit in units:
        unit.headcount = max(1, unit.fixed_staff) if id(unit) in has_children else 0
    fixed = sum(u.headcount for u in units)
    # The fixed accounts and the new starter (created last, onboarding.py) count too.
    total = ctx.spec.people - len(data.DEMO_USERNAMES) - fixed
    leaves = [u for u in units if id(u) not in has_children]
    head_leaves = [u for u in leaves if not u.is_branch]
    branch_leaves = [u for u in leaves if u.is_branch]
    head_total = round(total * ctx.spec.head_office_share)
    _allocate(head_total, head_leaves, 2)
    _allocate(total - head_total, branch_leaves, 2)


def _title(
    rng: random.Random, unit: UnitPlan, female: bool, index: int, headcount: int
) -> tuple[str, bool]:
    """The job title of the index-th person of the unit, and whether they manage it."""
    pair: tuple[str, str]
    if index == 0:
        pair = unit.head_title
    elif unit.kind == OrgUnit.Kind.BRANCH and index == 1 and headcount >= 5:
        pair = data.BRANCH_DEPUTY
    else:
        pair = weighted_choice(rng, unit.titles) if unit.titles else ("Referent", "Referentin")
    return (pair[1] if female else pair[0]), index == 0


def _about(rng: random.Random, person: PersonPlan) -> str:
    unit_name = person.unit.name
    if person.unit.kind == OrgUnit.Kind.TEAM and person.unit.parent is not None:
        unit_name = person.unit.parent.name
    topic = rng.choice(person.topics or person.skills or list(data.ASK_ME_TOPICS))
    values = {
        "first": person.first_name,
        "title": person.job_title,
        "unit": f"der {unit_name}" if unit_name.startswith("Filiale") else unit_name,
        "years": rng.randint(2, 32),
        "topic": topic,
    }
    parts = [rng.choice(data.ABOUT_OPENINGS), rng.choice(data.ABOUT_MIDDLES)]
    if rng.random() < 0.7:
        parts.append(rng.choice(data.ABOUT_HOBBIES))
    parts.append(rng.choice(data.ABOUT_CLOSINGS))
    return " ".join(part.format(**values) for part in parts)


def _pick_skills(rng: random.Random, unit: UnitPlan) -> tuple[list[str], list[str]]:
    skills: list[str] = []
    count = rng.choices((0, 1, 2, 3, 4, 5, 6), weights=(2, 1, 2, 3, 3, 2, 1), k=1)[0]
    for _ in range(count * 2):
        if len(skills) >= count:
            break
        pool = unit.skills if unit.skills and rng.random() < 0.6 else data.GENERAL_SKILLS
        name = rng.choice(pool)
        if name not in skills:
            skills.append(name)
    topics: list[str] = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(4, 3, 2, 1), k=1)[0]):
        topic_pool = skills if skills and rng.random() < 0.5 else data.ASK_ME_TOPICS
        name = rng.choice(topic_pool)
        if name not in topics:
            topics.append(name)
    return skills, topics


def _languages(rng: random.Random) -> list[str]:
    codes = ["de"]
    codes += [code for code, share in data.EXTRA_LANGUAGES if rng.random() < share]
    return codes


def create_people(ctx: DemoContext) -> None:
    """Plan and insert every person, their skills and topics, and the managers of the units."""
    rng = ctx.rng("people")
    fake = ctx.faker("people")
    plan_headcounts(ctx)
    taken: set[str] = set(data.DEMO_USERNAMES)
    taken |= {u.lower() for u in User.objects.values_list("username", flat=True)}

    def unique_username(first: str, last: str) -> str:
        base = username_base(first, last)
        name, n = base, 2
        while name in taken:
            name = f"{base}{n}"
            n += 1
        taken.add(name)
        return name

    people: list[PersonPlan] = []
    for unit in ctx.units:
        female_share = 0.6 if unit.is_branch else 0.48
        for index in range(unit.headcount):
            female = rng.random() < female_share
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            # Faker's German surname list has a few odd entries ("Koch II", "auch Schlauchin").
            while " " in last or not last[:1].isupper():
                last = fake.last_name()
            title, is_manager = _title(rng, unit, female, index, unit.headcount)
            person = PersonPlan(
                first_name=first,
                last_name=last,
                female=female,
                username=unique_username(first, last),
                job_title=title,
                unit=unit,
                is_manager=is_manager,
            )
            person.skills, person.topics = _pick_skills(rng, unit)
            unit.people.append(person)
            people.append(person)

    first_branch = next(u for u in ctx.units if u.kind == OrgUnit.Kind.BRANCH)
    by_name = {u.name: u for u in ctx.units if u.kind == OrgUnit.Kind.DEPARTMENT}
    for fixed in data.DEMO_ACCOUNTS:
        unit = first_branch if fixed.unit == "branch" else by_name[fixed.unit]
        person = PersonPlan(
            first_name=fixed.first_name,
            last_name=fixed.last_name,
            female=fixed.female,
            username=fixed.username,
            job_title=fixed.job_title,
            unit=unit,
            account=fixed.username,
            skills=list(fixed.skills),
            topics=list(fixed.topics),
        )
        unit.people.append(person)
        people.append(person)
        ctx.accounts[fixed.username] = person
    accounts = {a.username: a for a in data.DEMO_ACCOUNTS}

    bar = ctx.progress("People", len(people))
    users: list[User] = []
    for number, person in enumerate(people):
        account = accounts.get(person.account)
        unit = person.unit
        mobile = ""
        if person.is_manager or rng.random() < 0.3:
            mobile = f"+49 {rng.choice(MOBILE_PREFIXES)} {rng.randint(1_000_000, 99_999_999)}"
        about = ""
        if account is not None:
            about = account.about
        elif rng.random() < 0.3:
            about = _about(rng, person)
        user = User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@{data.MAIL_DOMAIN}",
            password=ctx.password_hash,
            job_title=person.job_title,
            org_unit=unit.obj,
            location=unit.location,
            phone=f"{data.PHONE_PREFIX}{2000 + number}",
            mobile=mobile,
            about=about,
            languages=list(account.languages) if account else _languages(rng),
            ui_language="en" if account is None and rng.random() < 0.03 else "",
            date_joined=ctx.when(rng, days_ago_min=30, days_ago_max=730),
            is_staff=bool(account and account.is_superuser),
            is_superuser=bool(account and account.is_superuser),
        )
        person.user = user
        users.append(user)
    bulk_create(User, users, bar)
    bar.close()
    ctx.people = people

    managed = []
    for unit in ctx.units:
        manager = next((p for p in unit.people if p.is_manager), None)
        if manager is not None and unit.obj is not None:
            unit.obj.manager = manager.user
            managed.append(unit.obj)
    OrgUnit.objects.bulk_update(managed, ["manager"], batch_size=500)
    ctx.counts["people"] = len(people)
    _create_skills(ctx)


def _create_skills(ctx: DemoContext) -> None:
    names: dict[str, str] = {}
    for person in ctx.people:
        for name in (*person.skills, *person.topics):
            names.setdefault(skill_slug(name), name)
    bar = ctx.progress("Skills and topics", len(ctx.people))
    existing = set(Skill.objects.filter(slug__in=list(names)).values_list("slug", flat=True))
    Skill.objects.bulk_create(
        [Skill(name=n, slug=s) for s, n in names.items() if s not in existing],
        batch_size=500,
        ignore_conflicts=True,
    )
    by_slug = {s.slug: s for s in Skill.objects.filter(slug__in=list(names))}
    ctx.skills = {name: by_slug[slug] for slug, name in names.items()}
    skill_rows = []
    topic_rows = []
    skill_through = User.skills.through
    topic_through = User.ask_me_about.through
    for person in ctx.people:
        seen: set[int] = set()
        for name in person.skills:
            skill = by_slug[skill_slug(name)]
            if skill.pk not in seen:
                seen.add(skill.pk)
                skill_rows.append(skill_through(user_id=person.pk, skill_id=skill.pk))
        seen = set()
        for name in person.topics:
            skill = by_slug[skill_slug(name)]
            if skill.pk not in seen:
                seen.add(skill.pk)
                topic_rows.append(topic_through(user_id=person.pk, skill_id=skill.pk))
    bulk_create(skill_through, skill_rows)
    bulk_create(topic_through, topic_rows)
    bar.update(len(ctx.people))
    bar.close()
    ctx.counts["skills"] = len(by_slug)


def create_follows(ctx: DemoContext) -> None:
    """A realistic network: mostly colleagues of the same unit, some across the bank."""
    rng = ctx.rng("follows")
    people = ctx.people
    by_unit: dict[int, list[PersonPlan]] = {}
    by_division: dict[int, list[PersonPlan]] = {}
    for person in people:
        by_unit.setdefault(id(person.unit), []).append(person)
        division = person.unit.division or person.unit
        by_division.setdefault(id(division), []).append(person)
    ceo = next(p for p in people if p.is_manager and p.unit.parent is None)
    low, high = ctx.spec.follows_per_person
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()

    def add(follower: PersonPlan, followee: PersonPlan) -> None:
        key = (follower.pk, followee.pk)
        if follower is not followee and key not in seen:
            seen.add(key)
            pairs.append(key)

    bar = ctx.progress("Follows", len(people))
    for person in people:
        wanted = rng.randint(low, high)
        colleagues = by_unit[id(person.unit)]
        same_division = by_division[id(person.unit.division or person.unit)]
        within = min(len(colleagues) - 1, round(wanted * 0.55))
        if within > 0:
            for other in rng.sample(colleagues, min(len(colleagues), within + 1)):
                add(person, other)
        for other in rng.sample(same_division, min(len(same_division), round(wanted * 0.25))):
            add(person, other)
        for _ in range(max(0, round(wanted * 0.2))):
            add(person, rng.choice(people))
        manager = next((p for p in colleagues if p.is_manager), None)
        if manager is not None and rng.random() < 0.8:
            add(person, manager)
        if rng.random() < 0.15:
            add(person, ceo)
        bar.update(1)
    # The demo accounts are well connected, so their feeds and profiles look alive.
    for username in (a.username for a in data.DEMO_ACCOUNTS):
        account = ctx.accounts[username]
        for other in rng.sample(people, min(len(people), 25)):
            add(other, account)
        for other in rng.sample(people, min(len(people), 12)):
            add(account, other)

    follows = [
        Follow(
            follower_id=a,
            followee_id=b,
            created_at=ctx.when(rng, days_ago_min=0, days_ago_max=700),
        )
        for a, b in pairs
    ]
    with explicit_timestamps(Follow, "created_at"):
        bulk_create(Follow, follows)
    bar.close()
    ctx.counts["follows"] = len(follows)
