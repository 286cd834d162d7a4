"""Erase a person (GDPR Art. 17) from the command line: ``hanse_erase_person USERNAME
--policy pseudonymise|delete [--dry-run]``. Runs the erasure in this process (not the queue);
run it again to resume one that stopped. Prints counts, never the person's data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hanse.communities import selectors as community_selectors
from hanse.core import personal_data
from hanse.core.errors import ServiceError
from hanse.privacy import erasure as service
from hanse.privacy.models import Erasure


class Command(BaseCommand):
    help = "Erase a person by policy (GDPR Art. 17); --dry-run shows the counts only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--policy", choices=personal_data.POLICIES, required=True)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("No person has this username (already erased?).")
        policy = options["policy"]
        if options["dry_run"]:
            counts = service.erasure_preview(user=user, policy=policy)
            self._print(counts, "Would erase")
            self._print_ownerships(user)
            return
        running = Erasure.objects.filter(user=user).exclude(status=Erasure.Status.DONE).first()
        if running is not None:
            if running.policy != policy:
                raise CommandError(f"Erasure {running.pk} is under way with another policy.")
            erasure = running
            self.stdout.write(f"Resuming erasure {erasure.pk}.")
        else:
            try:
                # The command runs the erasure itself: queueing it as well would do it twice.
                erasure = service.erasure_request(user=user, by=None, policy=policy, queue=False)
            except ServiceError as exc:
                raise CommandError(str(exc.message)) from exc
        service.erasure_run(erasure.pk)
        erasure.refresh_from_db()
        self._print(erasure.counts, f"Erasure {erasure.pk} {erasure.status}")

    def _print_ownerships(self, user: Any) -> None:
        """The communities the person owns alone, and what becomes of each."""
        ownerships = community_selectors.sole_ownerships(user=user)
        if not ownerships:
            return
        self.stdout.write("Communities they own alone:")
        for community, successor in ownerships:
            if successor is not None:
                self.stdout.write(f"  {community.slug}: passes to {successor.username}")
            else:
                self.stdout.write(
                    f"  {community.slug}: nobody can take over; it will be marked as needing "
                    "an owner and every platform administrator is told"
                )

    def _print(self, counts: dict[str, dict[str, int]], title: str) -> None:
        self.stdout.write(f"{title}:")
        for key, kinds in counts.items():
            for kind, n in kinds.items():
                self.stdout.write(f"  {key}.{kind}: {n}")
