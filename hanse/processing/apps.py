from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "hanse.processing"
    label = "processing"
    verbose_name = _("Record of processing activities")

    def ready(self) -> None:
        # The descriptions of every app's processing (hanse/core/processing.py's registry).
        from hanse.processing import descriptions

        descriptions.register_all()
