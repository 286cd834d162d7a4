from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hanse.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The built-in types (mentions, replies, reactions, communities, announcements) are
        # registered when the module is imported; later features register theirs in their own
        # AppConfig.ready().
        from hanse.jobs import scheduler
        from hanse.notifications import jobs, registry  # noqa: F401

        scheduler.register(*jobs.SCHEDULES)
