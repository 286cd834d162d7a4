from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hanse.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # The notification types register when the module is imported.
        from hanse.events import jobs, notifications  # noqa: F401
        from hanse.jobs import scheduler

        scheduler.register(*jobs.SCHEDULES)
        from hanse.events import caching  # its signal receivers name the models

        caching.connect()
        from hanse.events import (
            interactions,  # the events' interaction kind (analytics)
            search,  # noqa: F401  # registers the searchable types
        )

        interactions.register()
        from hanse.events import (
            moderation,  # noqa: F401  # registers the moderatable type
            personal_data,  # its data export (uses the models)
        )

        personal_data.register()
