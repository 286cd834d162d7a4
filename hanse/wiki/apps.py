from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WikiConfig(AppConfig):
    name = "hanse.wiki"
    label = "wiki"
    verbose_name = _("Wiki")

    def ready(self) -> None:
        # The notification types register when the module is imported; the page topic here.
        from hanse.core import uploads
        from hanse.jobs import scheduler
        from hanse.wiki import jobs, live, notifications, search  # noqa: F401
        from hanse.wiki.services import PAGE_IMAGES

        scheduler.register(*jobs.SCHEDULES)
        live.register()
        uploads.register(PAGE_IMAGES)
        from hanse.wiki import personal_data  # its data export (uses the models)

        personal_data.register()
