from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "hanse.analytics"
    label = "analytics"
    verbose_name = _("Network analytics")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the sink that keeps
        # the interactions every app reports, and the daily computation.
        from hanse.analytics import jobs, recording
        from hanse.core import interactions
        from hanse.jobs import scheduler

        interactions.set_sink(recording.EdgeSink())
        scheduler.register(*jobs.SCHEDULES)
