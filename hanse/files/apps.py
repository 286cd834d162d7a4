from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "hanse.files"
    label = "files"
    verbose_name = _("File library")

    def ready(self) -> None:
        # The notification types and searchable types register when imported.
        from hanse.core import uploads
        from hanse.files import jobs, notifications, search  # noqa: F401
        from hanse.files.services import LIBRARY
        from hanse.jobs import scheduler

        uploads.register(LIBRARY)
        scheduler.register(*jobs.SCHEDULES)
        from hanse.files import personal_data  # its data export (uses the models)

        personal_data.register()
