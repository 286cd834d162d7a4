"""The recurring directory sync, registered with the scheduler in IdentityConfig.ready()."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from hanse.jobs.scheduler import Schedule


def schedules() -> tuple[Schedule, ...]:
    # Off (no LDAP_SERVER_URI, or LDAP_SYNC_INTERVAL 0): no job at all.
    if not settings.LDAP_SERVER_URI or settings.LDAP_SYNC_INTERVAL <= 0:
        return ()
    return (
        Schedule(
            name="identity.directory_sync",
            task="hanse.identity.ldap.tasks.directory_sync",
            every=timedelta(seconds=settings.LDAP_SYNC_INTERVAL),
        ),
    )
