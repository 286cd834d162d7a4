from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hanse.audit.models import AuditEntry
from hanse.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; name the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit log broken at #{broken.seq}: {broken.reason}")
        self.stdout.write(f"Audit log intact: {AuditEntry.objects.count()} entries.")
