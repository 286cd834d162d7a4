from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo generator and the greeting of ``make run``: it imports every app, so it sits
    at the top of the layering, and no other app imports it."""

    name = "hanse.demo"
    label = "demo"
    verbose_name = _("Demo organisation")
