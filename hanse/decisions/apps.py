from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "hanse.decisions"
    label = "decisions"
    verbose_name = _("Consent decisions")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the notification
        # types, the searchable type and the scheduled jobs (deadlines, review dates).
        from hanse.decisions import jobs, notifications, search  # noqa: F401
        from hanse.jobs import scheduler

        scheduler.register(*jobs.SCHEDULES)
        # Its files' policy, once the models are ready (the policy names its row model).
        from hanse.core import uploads
        from hanse.decisions.uploads import PROPOSAL_FILES

        uploads.register(PROPOSAL_FILES)
        from hanse.decisions import personal_data  # its data export (uses the models)

        personal_data.register()
