from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "hanse.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        # Its notification type and the hourly expiry of exports (they use the models).
        from hanse.jobs import scheduler
        from hanse.privacy import jobs, notifications  # noqa: F401

        scheduler.register(*jobs.SCHEDULES)
