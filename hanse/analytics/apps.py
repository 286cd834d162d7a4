from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "hanse.analytics"
    label = "analytics"
    verbose_name = _("Network analytics")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the sink that keeps
        # the interactions every app reports, and the daily computation.
        from hanse.analytics import jobs, notifications, recording  # noqa: F401 - registers
        from hanse.core import interactions
        from hanse.jobs import scheduler

        interactions.set_sink(recording.EdgeSink())
        # Models and their signals once the app registry is ready (not at import time).
        from django.db.models.signals import post_delete, post_save

        from hanse.analytics.models import AnalyticsSettings

        for signal in (post_save, post_delete):
            signal.connect(
                recording.forget_switch,
                sender=AnalyticsSettings,
                dispatch_uid=f"hanse.analytics.forget_switch.{signal is post_save}",
            )
        scheduler.register(*jobs.SCHEDULES)
        from hanse.analytics import retention  # its retention policy (uses the models)

        retention.register()
        # Interaction edges in the data export and in erasure.
        from hanse.analytics import personal_data

        personal_data.register()
