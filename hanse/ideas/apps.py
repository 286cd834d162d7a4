from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "hanse.ideas"
    label = "ideas"
    verbose_name = _("Ideas and experiments")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the notification
        # types, the searchable types and the scheduled jobs of ideas and experiments.
        from hanse.ideas import jobs, moderation, notifications, search  # noqa: F401
        from hanse.jobs import scheduler

        scheduler.register(*jobs.SCHEDULES)
        # Its files' policy, once the models are ready (the policy names its row model).
        from hanse.core import uploads
        from hanse.ideas.uploads import IDEA_FILES

        uploads.register(IDEA_FILES)
        from hanse.ideas import personal_data  # its data export (uses the models)

        personal_data.register()
