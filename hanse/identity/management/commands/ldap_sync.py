from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Sync people, units, managers and groups from the LDAP directory (Active Directory); "
        "--dry-run prints what would change and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        # python-ldap is optional (pyproject's "ldap" extra): imported here, so that the
        # command says what is missing instead of failing at import.
        try:
            # Both import python-ldap, which may be missing.
            from hanse.identity.ldap.directory import DirectoryError
            from hanse.identity.ldap.sync import run_sync
        except ImportError as exc:
            raise CommandError(
                "LDAP support is not installed: apt-get install libldap2-dev libsasl2-dev, "
                "then make install (or pip install -r requirements/ldap.txt)."
            ) from exc
        try:
            plan = run_sync(dry_run=dry_run, trigger="command")
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        except DirectoryError as exc:
            # Server down, TLS refused, wrong bind password, a search base that does not exist.
            raise CommandError(f"The directory sync failed: {exc}") from exc
        for line in plan.lines():
            self.stdout.write(line)
        summary = (
            f"{plan.seen} people in the directory; created: {plan.created}, updated: "
            f"{plan.updated}, deactivated: {len(plan.deactivate)}, problems: {len(plan.problems)}."
        )
        if dry_run:
            self.stdout.write("Dry run, nothing changed. Would be " + summary)
        elif plan.refused:
            raise CommandError(plan.lines()[0])
        else:
            self.stdout.write("Done. " + summary)
