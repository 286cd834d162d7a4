"""Create the VAPID key pair for web push, once.

Run by ``make setup``. Idempotent: existing keys are kept, because every browser subscribed
with the public key, and new keys would silently end all their subscriptions. The keys go to
``DATA_DIR/vapid.json``, readable by its owner only, unless VAPID_PRIVATE_KEY is configured.
"""

from __future__ import annotations

import binascii
import os
import stat
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hanse.notifications import push


class Command(BaseCommand):
    help = "Create the VAPID keys for web push in the data directory, unless they exist."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            configured = push.configured_keys()
        except (ValueError, binascii.Error) as exc:
            raise CommandError(f"VAPID_PRIVATE_KEY cannot be used: {exc}") from exc
        if configured is not None:
            self.stdout.write(
                "VAPID keys come from the settings (VAPID_PRIVATE_KEY); nothing to do.\n"
                f"Public key: {configured.public_key}"
            )
            return

        path = push.vapid_file()
        try:
            existing = push.read_vapid_file(path)
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            # Never overwrite: the browsers' subscriptions depend on this key.
            raise CommandError(
                f"{path} exists but cannot be read ({exc}). Fix or remove it by hand; "
                "removing it ends every push subscription."
            ) from exc
        if existing is not None:
            if stat.S_IMODE(path.stat().st_mode) != 0o600:
                os.chmod(path, 0o600)
                self.stdout.write(f"Restricted {path} to its owner (mode 0600).")
            self.stdout.write(f"VAPID keys exist in {path}.\nPublic key: {existing.public_key}")
            return

        keys = push.generate_vapid_keys()
        push.write_vapid_file(keys, path)
        self.stdout.write(
            self.style.SUCCESS(f"Created VAPID keys in {path}.")
            + f"\nPublic key: {keys.public_key}"
        )
