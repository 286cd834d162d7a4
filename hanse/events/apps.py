from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hanse.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Registers the notification types and the reminder job of the scheduler.
        from hanse.events import notifications

        notifications.register_schedule()
