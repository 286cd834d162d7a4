"""Signs of life of background processes, read by ``/readyz`` (hanse/core/health.py).

The task worker beats from a thread of its own (its main loop belongs to django-tasks or RQ);
the scheduler beats on each tick. A beat is one UPDATE of the process's own row."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from hanse.jobs.models import Heartbeat

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 15.0
# A process that has not beaten for this long counts as gone (four missed beats).
STALE_AFTER = timedelta(seconds=60)
# Rows of processes that ended long ago are removed by the next process of the same role.
FORGET_AFTER = timedelta(days=1)


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Beater:
    """Writes the beats of one process."""

    def __init__(self, role: str, instance: str | None = None) -> None:
        self.role = role
        self.instance = instance or instance_name()
        self.started_at = timezone.now()

    def beat(self, now: datetime | None = None) -> None:
        now = now or timezone.now()
        updated = Heartbeat.objects.filter(role=self.role, instance=self.instance).update(
            seen_at=now
        )
        if not updated:
            Heartbeat.objects.filter(role=self.role, seen_at__lt=now - FORGET_AFTER).delete()
            Heartbeat.objects.update_or_create(
                role=self.role,
                instance=self.instance,
                defaults={"seen_at": now, "started_at": self.started_at},
            )

    def stop(self) -> None:
        """A process that ends on purpose takes its row with it."""
        Heartbeat.objects.filter(role=self.role, instance=self.instance).delete()


def beat_in_background(role: str, interval: float = INTERVAL_SECONDS) -> threading.Event:
    """Beat every ``interval`` seconds from a daemon thread; set the returned event to stop."""
    stop = threading.Event()
    beater = Beater(role)

    def run() -> None:
        while not stop.is_set():
            try:
                beater.beat()
            except Exception:  # the database may be away for a moment; beat again later
                logger.warning("Could not record the %s heartbeat.", role, exc_info=True)
            finally:
                # This thread's connection goes back to the pool between beats.
                connection.close()
            stop.wait(interval)
        try:
            beater.stop()
        except Exception:
            logger.debug("Could not remove the %s heartbeat.", role, exc_info=True)
        finally:
            close_old_connections()
            connection.close()

    threading.Thread(target=run, name=f"hanse-{role}-heartbeat", daemon=True).start()
    return stop


def last_seen(role: str) -> datetime | None:
    """When any process of ``role`` last beat."""
    return (
        Heartbeat.objects.filter(role=role).order_by("-seen_at").values_list("seen_at", flat=True)
    ).first()
