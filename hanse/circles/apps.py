from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "hanse.circles"
    label = "circles"
    verbose_name = _("WOL circles and Connectors")

    def ready(self) -> None:
        # The models exist only once the app registry is ready; the notification types
        # register when their module is imported.
        from hanse.circles import badges, jobs, notifications, search, visibility  # noqa: F401
        from hanse.jobs import scheduler

        scheduler.register(*jobs.SCHEDULES)
        search.register()
        badges.register_badges()
        visibility.register()
        from hanse.circles import interactions  # the circles' interaction kind (analytics)

        interactions.register()
        # Deactivated people leave the rounds being matched (hanse.identity deactivates).
        from hanse.circles import deactivation

        deactivation.connect()
        from hanse.circles import personal_data  # its data export (uses the models)

        personal_data.register()
        from hanse.circles import story_marks  # the story mark on post cards (uses the models)

        story_marks.register()
