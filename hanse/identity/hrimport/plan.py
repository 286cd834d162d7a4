"""The HR import: plan every change from the file's rows, then write the plan in one
transaction, or, for a dry run, only describe it (the pattern of the directory sync,
hanse/identity/ldap/sync.py).

Planning reads and never writes, so a preview changes nothing by construction, and a real run
writes exactly what its plan shows. A file with any error is refused as a whole: nothing is
half-imported. What the plan covers:

- a row's e-mail address names the person: an unknown address is a new person (without a
  password: they sign in through single sign-on or reset one), a known one gets the row's
  names, job title, phones, unit and location (an empty cell leaves a value as it is);
- an unknown unit is created when the row names its parent (``parent_unit``), an existing one
  or one the file creates; otherwise it is an error; unknown locations are created;
- each unit's manager is the person its members name in ``manager_email`` (Hanse keeps one
  manager per unit: a person's manager is their unit's); a chain of managers that goes round
  in a circle is an error;
- leavers are deactivated through ``person_deactivate`` (sessions, WebSockets and API tokens
  end at once): rows whose ``end_date`` has passed, and people an earlier import brought in
  whom the file no longer lists, unless that would deactivate more than
  ``HR_IMPORT_MAX_DEACTIVATE_PERCENT`` of them (and more than five): then nothing changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.identity.hrimport.reader import Row
from hanse.identity.models import HrAccount
from hanse.identity.services import person_deactivate
from hanse.people.models import Location, OrgUnit, User
from hanse.people.services import orgunit_create, orgunit_update

MIN_DEACTIVATIONS_CHECKED = 5
CHUNK = 500  # ids per IN (…) query: SQLite's variable limit is far above it
TEXT_FIELDS = {"first_name": 150, "last_name": 150, "job_title": 120, "phone": 40, "mobile": 40}
_USERNAME_CHARS = re.compile(r"[^a-z0-9._-]+")

Progress = Callable[[float], Any]


def _no_progress(fraction: float) -> None:
    return None


@dataclass
class Problem:
    line: int  # 0: the file as a whole
    message: str


@dataclass
class PersonPlan:
    line: int
    email: str
    username: str
    user: User | None  # None: to be created
    fields: dict[str, Any] = field(default_factory=dict)  # text fields' new values
    unit: str = ""  # the unit's key (see Plan.units); "" leaves it as it is
    location: str = ""  # the location's key; "" leaves it as it is
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # field, old, new
    reactivate: bool = False


@dataclass
class Plan:
    rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    # Units by key (lower-case label): an existing unit, or None for one to be created.
    units: dict[str, OrgUnit | None] = field(default_factory=dict)
    new_units: list[tuple[str, str, str]] = field(default_factory=list)  # key, name, parent key
    locations: dict[str, Location | None] = field(default_factory=dict)
    new_locations: list[str] = field(default_factory=list)
    managers: list[tuple[str, str, str]] = field(default_factory=list)  # unit key, old, new
    deactivate: list[tuple[User, str]] = field(default_factory=list)  # person, reason
    refused: str = ""

    @property
    def created(self) -> int:
        return sum(1 for p in self.people if p.user is None)

    @property
    def updated(self) -> int:
        return sum(1 for p in self.people if p.user is not None and (p.changes or p.reactivate))

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused

    def unit_name(self, key: str) -> str:
        unit = self.units.get(key)
        if unit is not None:
            return unit.name
        return next((name for k, name, _parent in self.new_units if k == key), key)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "deactivated": len(self.deactivate),
            "new_units": len(self.new_units),
            "new_locations": len(self.new_locations),
            "manager_changes": len(self.managers),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def report(self) -> dict[str, Any]:
        """What the run would change (or changed), as stored on the run and shown on the page;
        its texts are in the language the plan was made in."""
        return {
            "counts": self.counts(),
            "refused": self.refused,
            "errors": [{"line": p.line, "message": p.message} for p in self.errors],
            "warnings": [{"line": p.line, "message": p.message} for p in self.warnings],
            "new_people": [
                {"line": p.line, "email": p.email, "name": _full_name(p.fields), "unit": p.unit}
                for p in self.people
                if p.user is None
            ],
            "changed_people": [
                {
                    "line": p.line,
                    "email": p.email,
                    "name": p.user.display_name if p.user else "",
                    "reactivate": p.reactivate,
                    "changes": [{"field": f, "old": o, "new": n} for f, o, n in p.changes],
                }
                for p in self.people
                if p.user is not None and (p.changes or p.reactivate)
            ],
            "deactivated": [
                {"email": u.email, "name": u.display_name, "reason": reason}
                for u, reason in self.deactivate
            ],
            "new_units": [
                {"name": name, "parent": self.unit_name(parent)}
                for _k, name, parent in self.new_units
            ],
            "new_locations": list(self.new_locations),
            "manager_changes": [
                {"unit": self.unit_name(key), "old": old or "—", "new": new}
                for key, old, new in self.managers
            ],
        }


def _full_name(values: dict[str, Any]) -> str:
    return f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()


def _label(name: str) -> str:
    return " ".join(name.split()).lower()


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(text)


def _verbose(name: str) -> str:
    return str(getattr(User._meta.get_field(name), "verbose_name", name))


def _users_by_email(emails: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        for user in (
            User.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk)
            .select_related("org_unit", "location", "hr_account")
        ):
            found[user.email.lower()] = user
    return found


class _Units:
    """Finding units by a label: the slug, or the name when only one unit has it."""

    def __init__(self) -> None:
        self.by_slug: dict[str, OrgUnit] = {}
        self.by_name: dict[str, list[OrgUnit]] = defaultdict(list)
        for unit in OrgUnit.objects.select_related("manager"):
            self.by_slug[unit.slug.lower()] = unit
            self.by_name[_label(unit.name)].append(unit)

    def find(self, label: str) -> tuple[OrgUnit | None, bool]:
        """The unit and whether the label is ambiguous."""
        key = _label(label)
        if key in self.by_slug:
            return self.by_slug[key], False
        named = self.by_name.get(key, [])
        return (named[0] if len(named) == 1 else None), len(named) > 1


def plan_import(rows: list[Row], *, progress: Progress = _no_progress) -> Plan:
    """Everything the import would change, read from the rows and the database."""
    plan = Plan(rows=len(rows))
    today = timezone.localdate()
    err, warn = plan.errors.append, plan.warnings.append

    emails_in_file = [r.values["email"].lower() for r in rows if r.values["email"]]
    known = _users_by_email(sorted(set(emails_in_file)))
    units = _Units()
    locations = {_label(loc.name): loc for loc in Location.objects.all()}

    seen_email: dict[str, int] = {}
    seen_username: dict[str, int] = {}
    leavers: set[str] = set()
    manager_of: dict[str, tuple[str, int]] = {}  # email -> (manager's email, line)
    unit_parent: dict[str, tuple[str, str, int]] = {}  # new unit key -> name, parent label, line
    wanted_units: dict[str, int] = {}  # unit key -> first line naming it (for errors)
    row_unit: dict[str, str] = {}  # email -> unit key

    for index, row in enumerate(rows):
        if index % 200 == 0:
            progress(index / max(len(rows), 1))
        v, line = row.values, row.line
        email = v["email"].lower()
        if not email:
            err(Problem(line, _("The e-mail address is missing.")))
            continue
        try:
            validate_email(email)
        except ValidationError:
            err(Problem(line, _("“%(email)s” is not a valid e-mail address.") % {"email": email}))
            continue
        if email in seen_email:
            err(
                Problem(
                    line,
                    _("The e-mail address %(email)s is already on line %(other)s.")
                    % {"email": email, "other": seen_email[email]},
                )
            )
            continue
        seen_email[email] = line
        bad = False
        for name in ("first_name", "last_name"):
            if not v[name]:
                err(Problem(line, _("The column %(column)s is empty.") % {"column": name}))
                bad = True
        for name, limit in TEXT_FIELDS.items():
            if len(v[name]) > limit:
                err(
                    Problem(
                        line,
                        _("%(column)s is longer than %(max)s characters.")
                        % {"column": name, "max": limit},
                    )
                )
                bad = True
        end: dt.date | None = None
        if v["end_date"]:
            try:
                end = _parse_date(v["end_date"])
            except ValueError:
                err(
                    Problem(
                        line,
                        _(
                            "“%(date)s” is not a date. Please write dates as 2026-03-31 "
                            "or 31.03.2026."
                        )
                        % {"date": v["end_date"]},
                    )
                )
                bad = True
        # The unit: an existing one, or a new one below the row's parent unit.
        unit_key = _label(v["unit"])
        if not unit_key:
            err(Problem(line, _("The column unit is empty.")))
            bad = True
        else:
            unit, ambiguous = units.find(v["unit"])
            if ambiguous:
                err(
                    Problem(
                        line,
                        _(
                            "More than one unit is called “%(unit)s”; please use the unit's "
                            "address (slug) instead."
                        )
                        % {"unit": v["unit"]},
                    )
                )
                bad = True
            elif unit is not None:
                unit_key = unit.slug.lower()
                plan.units[unit_key] = unit
            elif v["parent_unit"]:
                earlier = unit_parent.get(unit_key)
                if earlier and _label(earlier[1]) != _label(v["parent_unit"]):
                    err(
                        Problem(
                            line,
                            _("The new unit “%(unit)s” has another parent unit on line %(other)s.")
                            % {"unit": v["unit"], "other": earlier[2]},
                        )
                    )
                    bad = True
                elif not earlier:
                    unit_parent[unit_key] = (" ".join(v["unit"].split()), v["parent_unit"], line)
            else:
                err(
                    Problem(
                        line,
                        _(
                            "There is no unit “%(unit)s”. To create it, name its parent unit "
                            "in the column parent_unit."
                        )
                        % {"unit": v["unit"]},
                    )
                )
                bad = True
            wanted_units.setdefault(unit_key, line)
        if v["location"]:
            loc_key = _label(v["location"])
            if loc_key not in locations and loc_key not in plan.locations:
                if len(v["location"]) > Location._meta.get_field("name").max_length:  # type: ignore[operator]  # CharField has one
                    err(Problem(line, _("The location's name is too long.")))
                    bad = True
                else:
                    plan.locations[loc_key] = None
                    plan.new_locations.append(" ".join(v["location"].split()))
            elif loc_key in locations:
                plan.locations[loc_key] = locations[loc_key]
        manager = v["manager_email"].lower()
        if manager:
            if manager == email:
                err(Problem(line, _("A person cannot be their own manager.")))
                bad = True
            else:
                manager_of[email] = (manager, line)
        if bad:
            continue

        user = known.get(email)
        leaving = end is not None and end <= today
        if leaving:
            leavers.add(email)
        username = v["username"]
        if user is None:
            if leaving:
                warn(
                    Problem(
                        line,
                        _("%(email)s left on %(date)s and is not created.")
                        % {"email": email, "date": end},
                    )
                )
                continue
            username = _username_for(v["username"] or email.split("@")[0], seen_username)
            if v["username"] and username.lower() != v["username"].lower():
                err(
                    Problem(
                        line,
                        _("The user name %(name)s belongs to another account.")
                        % {"name": v["username"]},
                    )
                )
                continue
            seen_username[username.lower()] = line
            person = PersonPlan(line=line, email=email, username=username, user=None)
            person.fields = {n: v[n] for n in TEXT_FIELDS if v[n]}
            person.unit, person.location = unit_key, _label(v["location"])
        else:
            person = PersonPlan(line=line, email=email, username=user.username, user=user)
            account = getattr(user, "hr_account", None)
            if not user.is_active:
                if account is None or not account.deactivated_by_import:
                    warn(
                        Problem(
                            line,
                            _("%(email)s was deactivated in Hanse and is left as it is.")
                            % {"email": email},
                        )
                    )
                    continue
                person.reactivate = not leaving
                if leaving:
                    continue
            for name in TEXT_FIELDS:
                if v[name] and getattr(user, name) != v[name]:
                    person.fields[name] = v[name]
                    person.changes.append((_verbose(name), getattr(user, name), v[name]))
            if unit_key and (user.org_unit is None or user.org_unit.slug.lower() != unit_key):
                person.unit = unit_key
                old = user.org_unit.name if user.org_unit else "—"
                person.changes.append((_verbose("org_unit"), old, v["unit"]))
            loc_key = _label(v["location"])
            if loc_key and (user.location is None or _label(user.location.name) != loc_key):
                person.location = loc_key
                old = user.location.name if user.location else "—"
                person.changes.append((_verbose("location"), old, v["location"]))
            if leaving and user.is_active:
                plan.deactivate.append((user, "end_date"))
        row_unit[email] = unit_key
        plan.people.append(person)

    _plan_new_units(plan, unit_parent, units)
    _plan_managers(plan, set(seen_email), manager_of, row_unit, known, leavers)

    # Leavers who are no longer in the file: those an earlier import brought in.
    listed = set(seen_email)
    missing = [
        user
        for user in User.objects.filter(hr_account__isnull=False, is_active=True).order_by("email")
        if user.email.lower() not in listed
    ]
    plan.deactivate += [(user, "not_in_file") for user in missing]
    base = max(HrAccount.objects.filter(user__is_active=True).count(), len(rows))
    percent = settings.HR_IMPORT_MAX_DEACTIVATE_PERCENT
    limit = max(MIN_DEACTIVATIONS_CHECKED, base * percent // 100)
    if len(plan.deactivate) > limit:
        plan.refused = _(
            "It would deactivate %(count)s of %(total)s people, more than "
            "HR_IMPORT_MAX_DEACTIVATE_PERCENT (%(percent)s %%) allows."
        ) % {"count": len(plan.deactivate), "total": base, "percent": percent}
    plan.errors.sort(key=lambda p: p.line)
    progress(1.0)
    return plan


def _username_for(base: str, taken_in_file: dict[str, int]) -> str:
    root = _USERNAME_CHARS.sub("", base.lower())[:140] or "person"
    candidate, n = root, 2
    while candidate in taken_in_file or User.objects.filter(username__iexact=candidate).exists():
        candidate, n = f"{root}{n}", n + 1
    return candidate


def _plan_new_units(
    plan: Plan, unit_parent: dict[str, tuple[str, str, int]], units: _Units
) -> None:
    """New units in the order they can be created (a parent before its children)."""
    resolved: dict[str, str] = {}  # new unit key -> parent key
    for key, (name, parent_label, line) in unit_parent.items():
        parent, ambiguous = units.find(parent_label)
        if parent is not None:
            plan.units[parent.slug.lower()] = parent
            resolved[key] = parent.slug.lower()
        elif _label(parent_label) in unit_parent and not ambiguous:
            resolved[key] = _label(parent_label)
        else:
            plan.errors.append(
                Problem(
                    line,
                    _("The parent unit “%(parent)s” of the new unit “%(unit)s” does not exist.")
                    % {"parent": parent_label, "unit": name},
                )
            )
    done: set[str] = set()
    for key in resolved:
        chain: list[str] = []
        current = key
        while current in resolved and current not in done and current not in chain:
            chain.append(current)
            current = resolved[current]
        if current in chain:
            lines = sorted(unit_parent[k][2] for k in chain[chain.index(current) :])
            plan.errors.append(
                Problem(
                    lines[0],
                    _("The new units' parents go round in a circle (lines %(lines)s).")
                    % {"lines": ", ".join(map(str, lines))},
                )
            )
            done.update(chain)
            continue
        for k in reversed(chain):
            done.add(k)
            plan.units[k] = None
            plan.new_units.append((k, unit_parent[k][0], resolved[k]))


def _plan_managers(
    plan: Plan,
    in_file: set[str],
    manager_of: dict[str, tuple[str, int]],
    row_unit: dict[str, str],
    known: dict[str, User],
    leavers: set[str],
) -> None:
    """Who manages whom: every named manager exists and stays, no chain goes round in a
    circle, and each unit's manager is whom its members name most."""
    outside = [m for m, _line in manager_of.values() if m not in in_file and m not in known]
    existing = _users_by_email(sorted(set(outside)))
    for manager, line in sorted(manager_of.values(), key=lambda item: item[1]):
        if manager in leavers:
            plan.errors.append(
                Problem(line, _("The manager %(email)s is leaving.") % {"email": manager})
            )
        elif manager not in in_file:
            person = known.get(manager) or existing.get(manager)
            if person is None or not person.is_active:
                plan.errors.append(
                    Problem(
                        line,
                        _("The manager %(email)s is neither in the file nor an active person.")
                        % {"email": manager},
                    )
                )
    # Cycles: follow each chain of managers named in the file.
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in manager_of:
        walk: list[str] = []
        current: str | None = start
        while current is not None and state.get(current) is None:
            state[current] = 1
            walk.append(current)
            current = manager_of[current][0] if current in manager_of else None
        if current is not None and state.get(current) == 1:
            cycle = walk[walk.index(current) :]
            lines = sorted(manager_of[e][1] for e in cycle)
            plan.errors.append(
                Problem(
                    lines[0],
                    _("The management chain goes round in a circle: %(chain)s (lines %(lines)s).")
                    % {
                        "chain": " → ".join([*cycle, cycle[0]]),
                        "lines": ", ".join(map(str, lines)),
                    },
                )
            )
        for e in walk:
            state[e] = 2
    if plan.errors:
        return
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    first_line: dict[str, int] = {}
    for email, (manager, line) in manager_of.items():
        unit = row_unit.get(email)
        if unit:
            votes[unit][manager] += 1
            first_line.setdefault(unit, line)
    for unit_key, counter in votes.items():
        best = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[0][0]
        if len(counter) > 1:
            plan.warnings.append(
                Problem(
                    first_line[unit_key],
                    _(
                        "The members of %(unit)s name different managers; %(manager)s, named "
                        "most often, becomes the unit's manager (one manager per unit)."
                    )
                    % {"unit": plan.unit_name(unit_key), "manager": best},
                )
            )
        target = plan.units.get(unit_key)
        now_leads = target.manager.email.lower() if target is not None and target.manager else ""
        if now_leads != best:
            plan.managers.append((unit_key, now_leads, best))


def _find_location(plan: Plan, created: dict[str, Location], key: str) -> Location | None:
    return created.get(key) or plan.locations.get(key)


@transaction.atomic
def apply_plan(plan: Plan, *, actor: Any = None, progress: Progress = _no_progress) -> None:
    """Write the plan: everything or, when anything fails, nothing."""
    if not plan.ok:
        raise ValueError("a plan with errors is never applied")
    now = timezone.now()
    locations: dict[str, Location] = {}
    for name in plan.new_locations:
        locations[_label(name)] = Location.objects.create(name=name, kind=Location.Kind.OTHER)
    units: dict[str, OrgUnit] = {k: u for k, u in plan.units.items() if u is not None}
    for key, name, parent in plan.new_units:
        units[key] = orgunit_create(name=name, kind=OrgUnit.Kind.DEPARTMENT, parent=units[parent])
    total = max(len(plan.people) + len(plan.deactivate), 1)
    by_email: dict[str, User] = {}
    for index, person in enumerate(plan.people):
        if index % 100 == 0:
            progress(index / total)
        user = person.user
        related: dict[str, Any] = {}
        if person.unit:
            related["org_unit"] = units[person.unit]
        if person.location:
            related["location"] = _find_location(plan, locations, person.location)
        if user is None:
            user = User(username=person.username, email=person.email, **person.fields, **related)
            user.set_unusable_password()
            user.save()
        else:
            values = {**person.fields, **related}
            if person.reactivate:
                values["is_active"] = True
            for name, value in values.items():
                setattr(user, name, value)
            if values:
                user.save(update_fields=list(values))
        HrAccount.objects.update_or_create(
            user=user, defaults={"imported_at": now, "deactivated_by_import": False}
        )
        by_email[person.email] = user
    for unit_key, _old, new in plan.managers:
        manager = by_email.get(new) or User.objects.get(email__iexact=new)
        orgunit_update(unit=units[unit_key], manager=manager)
    for index, (user, reason) in enumerate(plan.deactivate):
        if index % 100 == 0:
            progress((len(plan.people) + index) / total)
        person_deactivate(user=user, actor=actor, reason=f"hr_import:{reason}", request=None)
        HrAccount.objects.update_or_create(user=user, defaults={"deactivated_by_import": True})
    progress(1.0)
