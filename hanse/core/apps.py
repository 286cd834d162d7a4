from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hanse.core"
    label = "core"
    verbose_name = _("Hanse")

    def ready(self) -> None:
        from hanse.core import checks, jobs, sqlite  # noqa: F401  # checks register on import
        from hanse.jobs import scheduler

        scheduler.register(*jobs.SCHEDULES)

        # Queue, readiness and disk figures, read at each scrape of /metrics.
        from hanse.core import health
        from hanse.observability import metrics

        metrics.register_scrape("core.health", health.scrape_metrics)

        # Unicode-aware LIKE on every SQLite connection (see hanse/core/sqlite.py).
        connection_created.connect(sqlite.register, dispatch_uid="hanse.core.sqlite.register")
