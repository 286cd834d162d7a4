from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "hanse.circles"
    label = "circles"
    verbose_name = _("WOL circles and Connectors")

    def ready(self) -> None:
        # The notification types register when the module is imported.
        from hanse.circles import (  # the models are ready now
            badges,
            notifications,  # noqa: F401
            search,
            visibility,
        )

        search.register()
        badges.register_badges()
        visibility.register()
