"""The directory sync: read the directory, plan every change, then write the plan in one
transaction (or, for a dry run, only describe it).

Planning reads and never writes, so a dry run changes nothing by construction, and what a
real run writes is exactly what the dry run before it showed. What the plan covers:

- people the directory lists and Hanse does not know are created (without a password: they
  sign in with the directory's); known ones get the directory's names, e-mail address, job
  title, phones and unit; a person the sync had deactivated and the directory lists again
  is reactivated;
- directory groups mapped in admin (``DirectoryGroup``) place their members in an org unit,
  give them a role (and take it from linked people who left every group that grants it) and
  add them to a community (leaving the group does not remove anyone from a community), as the
  sign-in does (``groups.py``); members of groups within a mapped group count as its members,
  ``LDAP_GROUP_NESTING_DEPTH`` levels down (``directory.nested_members``; cycles and deeper
  groups are listed as problems);
- each unit's manager is the person its members name in their ``manager`` attribute (Hanse
  keeps one manager per unit: a person's manager is their unit's);
- linked people the directory no longer lists are deactivated through ``person_deactivate``
  (sessions, WebSockets, API tokens end at once), unless that would deactivate more than
  ``LDAP_SYNC_MAX_DEACTIVATE_PERCENT`` of them (and more than five): then nothing changes.

A local account with a password of its own is never taken over; people who are not linked to
the directory are never deactivated by it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import ldap
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.audit.services import record
from hanse.identity.ldap import config as ldap_config
from hanse.identity.ldap.directory import (
    Directory,
    DirectoryError,
    Entry,
    connect,
    describe_error,
    group_base,
    is_under,
    nested_members,
    normal_dn,
)
from hanse.identity.ldap.groups import (
    GroupEffects,
    Mappings,
    apply_group_effects,
    group_effects,
)
from hanse.identity.ldap.mapping import manager_dn, profile_values, username_of
from hanse.identity.models import DirectoryAccount, DirectoryGroup, DirectorySyncRun
from hanse.identity.services import person_deactivate
from hanse.people.models import OrgUnit, User
from hanse.people.services import orgunit_update

MIN_DEACTIVATIONS_CHECKED = 5


@dataclass
class PersonPlan:
    entry: Entry
    username: str
    user: User | None  # None: to be created
    fields: dict[str, Any] = field(default_factory=dict)  # new values
    before: dict[str, Any] = field(default_factory=dict)
    link: bool = False
    reactivate: bool = False
    roles_add: list[Group] = field(default_factory=list)
    roles_remove: list[Group] = field(default_factory=list)
    communities_add: list[Any] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.user is None
            or self.fields
            or self.link
            or self.reactivate
            or self.roles_add
            or self.roles_remove
            or self.communities_add
        )


@dataclass
class Plan:
    seen: int = 0
    people: list[PersonPlan] = field(default_factory=list)
    managers: list[tuple[OrgUnit, User | None, str]] = field(default_factory=list)
    deactivate: list[User] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: str = ""

    @property
    def created(self) -> int:
        return sum(1 for p in self.people if p.user is None)

    @property
    def updated(self) -> int:
        return sum(1 for p in self.people if p.user is not None and p.changes_anything)

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.refused:
            out.append(_("Stopped, nothing changed: %(reason)s") % {"reason": self.refused})
        for person in self.people:
            if not person.changes_anything:
                continue
            if person.user is None:
                out.append(_("Create %(user)s") % {"user": person.username})
            elif person.link:
                out.append(_("Link %(user)s to the directory") % {"user": person.username})
            if person.reactivate:
                out.append(_("Reactivate %(user)s") % {"user": person.username})
            who = person.username
            out.extend(
                _("%(user)s: %(field)s “%(old)s” → “%(new)s”")
                % {
                    "user": who,
                    "field": getattr(User._meta.get_field(name), "verbose_name", name),
                    "old": person.before.get(name) or "",
                    "new": value,
                }
                for name, value in person.fields.items()
            )
            out.extend(
                _("%(user)s: gets the role %(role)s") % {"user": who, "role": role.name}
                for role in person.roles_add
            )
            out.extend(
                _("%(user)s: loses the role %(role)s") % {"user": who, "role": role.name}
                for role in person.roles_remove
            )
            out.extend(
                _("%(user)s: joins the community %(community)s")
                % {"user": who, "community": community.name}
                for community in person.communities_add
            )
        for unit, _user, name in self.managers:
            old = unit.manager.username if unit.manager else "-"
            out.append(
                _("%(unit)s: manager %(old)s → %(new)s")
                % {"unit": unit.name, "old": old, "new": name}
            )
        out.extend(
            _("Deactivate %(user)s (no longer in the directory)") % {"user": user.username}
            for user in self.deactivate
        )
        out.extend(_("Problem: %(problem)s") % {"problem": p} for p in self.problems)
        return out


def _value(user: User, name: str) -> Any:
    return getattr(user, name)


def plan_sync(directory: Directory) -> Plan:
    """Everything the sync would change, read from the directory and the database."""
    config = directory.config
    plan = Plan()
    entries = directory.people()
    plan.seen = len(entries)
    if not entries:
        plan.refused = _("the directory search found nobody (check LDAP_USER_SEARCH_BASE).")
        return plan

    # Directory groups: member DN -> the mappings that apply to them.
    mappings = Mappings()
    by_member: dict[str, list[DirectoryGroup]] = defaultdict(list)
    people = {normal_dn(entry.dn) for entry in entries}
    base = group_base(config)
    if mappings.groups:
        # The sign-in searches groups there: a base that does not exist fails it, so here too.
        directory.require(base)
    for mapping in mappings.groups:
        if not is_under(normal_dn(mapping.dn), base):
            # The sign-in searches groups there only: it would never see this one.
            plan.problems.append(
                _("the group %(dn)s is outside %(base)s (LDAP_GROUP_SEARCH_BASE); left out")
                % {"dn": mapping.dn, "base": base}
            )
            continue
        nested = nested_members(
            directory, mapping.dn, people=people, depth=config.nesting_depth, base=base
        )
        if nested is None:
            plan.problems.append(_("the group %(dn)s is not in the directory") % {"dn": mapping.dn})
            continue
        for member in nested.members:
            by_member[normal_dn(member)].append(mapping)
        for group, path in nested.cycles:
            plan.problems.append(
                _("the group %(dn)s contains itself (%(path)s); it is followed once")
                % {"dn": group, "path": " → ".join([*path, group])}
            )
        for group in nested.too_deep:
            plan.problems.append(
                _(
                    "the group %(dn)s lies more than %(depth)s levels below %(group)s "
                    "(LDAP_GROUP_NESTING_DEPTH); its members are left out"
                )
                % {"dn": group, "depth": config.nesting_depth, "group": mapping.dn}
            )

    names = [username_of(entry, config) for entry in entries]
    known = {
        user.username.lower(): user
        for user in User.objects.annotate(lower_name=Lower("username"))
        .filter(lower_name__in=[n.lower() for n in names if n])
        .select_related("directory_account", "org_unit")
        .prefetch_related("groups", "memberships")
    }
    emails = {email.lower(): pk for pk, email in User.objects.values_list("pk", "email") if email}

    dn_to_username: dict[str, str] = {}
    unit_of: dict[str, OrgUnit | None] = {}
    seen_names: set[str] = set()
    unknown_units: set[str] = set()
    for entry, name in zip(entries, names, strict=True):
        key = name.lower()
        if not name:
            plan.problems.append(_("%(dn)s has no user name") % {"dn": entry.dn})
            continue
        if key in seen_names:
            plan.problems.append(_("the user name %(user)s is listed twice") % {"user": name})
            continue
        seen_names.add(key)
        user = known.get(key)
        account = getattr(user, "directory_account", None) if user else None
        if user is not None and account is None and user.has_usable_password():
            plan.problems.append(
                _("%(user)s is a local account with a password; it is not linked") % {"user": name}
            )
            continue
        if (
            user is not None
            and not user.is_active
            and not (account and account.deactivated_by_sync)
        ):
            # Deactivated in Hanse by an administrator: the directory does not undo that.
            continue
        person = PersonPlan(
            entry=entry, username=name, user=user, link=user is not None and account is None
        )
        person.reactivate = user is not None and not user.is_active
        values = profile_values(entry, config)
        email = values.get("email", "")
        owner = emails.get(email) if email else None
        if email and owner is not None and (user is None or owner != user.pk):
            plan.problems.append(
                _("%(user)s: the e-mail address %(email)s belongs to another account")
                % {"user": name, "email": email}
            )
            values.pop("email")
            if user is None:
                continue
        if user is None and not values.get("email"):
            plan.problems.append(_("%(user)s has no e-mail address") % {"user": name})
            continue
        if email and "email" in values:
            emails[email] = user.pk if user else -1
        effects = group_effects(
            user=user,
            groups=by_member.get(normal_dn(entry.dn), []),
            mappings=mappings,
            entry=entry,
            config=config,
        )
        unit = effects.unit
        if effects.unknown_unit and effects.unknown_unit not in unknown_units:
            unknown_units.add(effects.unknown_unit)
            plan.problems.append(
                _("there is no org unit “%(unit)s”") % {"unit": effects.unknown_unit}
            )
        if user is None:
            person.fields = {k: v for k, v in values.items() if v}
            if unit is not None:
                person.fields["org_unit"] = unit
        else:
            for name_, value in values.items():
                if _value(user, name_) != value:
                    person.before[name_] = _value(user, name_)
                    person.fields[name_] = value
            if unit is not None and user.org_unit_id != unit.pk:
                person.before["org_unit"] = user.org_unit
                person.fields["org_unit"] = unit
        final_unit = unit if unit is not None else (user.org_unit if user else None)
        dn_to_username[normal_dn(entry.dn)] = name
        unit_of[name.lower()] = final_unit
        person.roles_add = effects.roles_add
        person.roles_remove = effects.roles_remove
        person.communities_add = effects.communities_add
        plan.people.append(person)

    _plan_managers(plan, entries, dn_to_username, unit_of, config)

    listed = {p.username.lower() for p in plan.people} | seen_names
    linked = User.objects.filter(directory_account__isnull=False, is_active=True)
    plan.deactivate = [u for u in linked.order_by("username") if u.username.lower() not in listed]
    total = DirectoryAccount.objects.count()
    limit = max(MIN_DEACTIVATIONS_CHECKED, total * config.max_deactivate_percent // 100)
    if len(plan.deactivate) > limit:
        plan.refused = _(
            "it would deactivate %(count)s of %(total)s people (more than "
            "LDAP_SYNC_MAX_DEACTIVATE_PERCENT allows)."
        ) % {"count": len(plan.deactivate), "total": total}
    return plan


def _plan_managers(
    plan: Plan,
    entries: list[Entry],
    dn_to_username: dict[str, str],
    unit_of: dict[str, OrgUnit | None],
    config: ldap_config.DirectoryConfig,
) -> None:
    """Each unit's manager: whom its members name most (their own manager aside)."""
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    units: dict[int, OrgUnit] = {}
    for entry in entries:
        name = dn_to_username.get(normal_dn(entry.dn))
        unit = unit_of.get(name.lower()) if name else None
        boss = dn_to_username.get(normal_dn(manager_dn(entry, config)))
        if unit is None or not boss or boss.lower() == (name or "").lower():
            continue
        units[unit.pk] = unit
        votes[unit.pk][boss] += 1
    for pk, counter in votes.items():
        unit = units[pk]
        # Ties: the one who is a member of the unit leads it; then alphabetical order.
        best = sorted(
            counter.items(),
            key=lambda item: (-item[1], unit_of.get(item[0].lower()) != unit, item[0].lower()),
        )[0][0]
        current = unit.manager.username.lower() if unit.manager_id and unit.manager else ""
        if current != best.lower():
            existing = User.objects.filter(username__iexact=best).first()
            plan.managers.append((unit, existing, best))


@transaction.atomic
def apply_plan(plan: Plan) -> None:
    now = timezone.now()
    for person in plan.people:
        if not person.changes_anything and person.user is not None:
            DirectoryAccount.objects.filter(user=person.user).update(
                synced_at=now, dn=person.entry.dn
            )
            continue
        user = person.user
        if user is None:
            user = User(username=person.username, **person.fields)
            user.set_unusable_password()
            user.save()
        else:
            for name, value in person.fields.items():
                setattr(user, name, value)
            if person.reactivate:
                user.is_active = True
            updated = [*person.fields, *(["is_active"] if person.reactivate else [])]
            if updated:
                user.save(update_fields=updated)
        DirectoryAccount.objects.update_or_create(
            user=user,
            defaults={"dn": person.entry.dn, "synced_at": now, "deactivated_by_sync": False},
        )
        apply_group_effects(
            user=user,
            effects=GroupEffects(
                roles_add=person.roles_add,
                roles_remove=person.roles_remove,
                communities_add=person.communities_add,
            ),
        )
    for unit, manager, name in plan.managers:
        manager = manager or User.objects.filter(username__iexact=name).first()
        if manager is not None:
            orgunit_update(unit=unit, manager=manager)
    for user in plan.deactivate:
        person_deactivate(user=user, actor=None, reason="directory_sync", request=None)
        DirectoryAccount.objects.filter(user=user).update(deactivated_by_sync=True)


def run_sync(*, dry_run: bool = False, trigger: str = "command") -> Plan:
    """Read the directory, then write the plan (or only describe it); recorded either way."""
    started = timezone.now()
    config = ldap_config.current()
    try:
        try:
            with connect(config) as directory:
                plan = plan_sync(directory)
        except ldap.LDAPError as exc:
            # TLS, bind and search failures in words that name the setting to look at.
            raise DirectoryError(describe_error(exc, config)) from exc
        if not dry_run and not plan.refused:
            apply_plan(plan)
    except Exception as exc:
        cause = exc.__cause__ if isinstance(exc, DirectoryError) else exc
        if not dry_run:
            DirectorySyncRun.objects.create(
                started_at=started,
                finished_at=timezone.now(),
                status=DirectorySyncRun.Status.FAILED,
                trigger=trigger,
                report=str(exc)[:10000]
                if isinstance(exc, DirectoryError)
                else f"{type(exc).__name__}: {exc}"[:10000],
            )
        record(
            "directory.sync_failed",
            data={"trigger": trigger, "dry_run": dry_run, "error": type(cause).__name__},
        )
        raise
    counts = {
        "seen": plan.seen,
        "created": plan.created,
        "updated": plan.updated,
        "deactivated": len(plan.deactivate),
        "problems": len(plan.problems),
    }
    if dry_run:
        record("directory.sync_previewed", data={"trigger": trigger, **counts})
        return plan
    run = DirectorySyncRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        status=DirectorySyncRun.Status.REFUSED if plan.refused else DirectorySyncRun.Status.OK,
        trigger=trigger,
        people_seen=plan.seen,
        created=0 if plan.refused else plan.created,
        updated=0 if plan.refused else plan.updated,
        deactivated=0 if plan.refused else len(plan.deactivate),
        problems=len(plan.problems),
        report="\n".join(plan.lines())[:100_000],
    )
    record(
        "directory.sync_refused" if plan.refused else "directory.synced",
        target=run,
        data={"trigger": trigger, **counts},
    )
    return plan
