"""The scheduled directory sync (hanse/identity/ldap/jobs.py)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from hanse.identity.ldap import config as ldap_config
from hanse.identity.ldap.sync import run_sync

logger = logging.getLogger(__name__)


@task()
def directory_sync() -> int:
    """Sync people from the directory; returns how many changes were written (0 when off).

    Not retried: the next scheduled run is the retry, and a failure is recorded as a run."""
    if not ldap_config.enabled():
        return 0
    # The report is read in admin: written in the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            plan = run_sync(trigger="schedule")
        except Exception:
            logger.exception("directory sync failed")
            return 0
    return plan.created + plan.updated + len(plan.deactivate)
