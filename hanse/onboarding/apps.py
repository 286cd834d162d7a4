from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "hanse.onboarding"
    label = "onboarding"
    verbose_name = _("First steps")

    def ready(self) -> None:
        # What it stores about a person, for the data export and erasure (uses the models).
        from hanse.onboarding import personal_data

        personal_data.register()
