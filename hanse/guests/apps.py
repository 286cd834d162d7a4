from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuestsConfig(AppConfig):
    name = "hanse.guests"
    label = "guests"
    verbose_name = _("Guests")

    def ready(self) -> None:
        # The daily sweep that ends expired guests' access.
        from hanse.guests import jobs
        from hanse.jobs import scheduler

        scheduler.register(*jobs.SCHEDULES)

        # The data export and erasure of what this app stores about a person.
        from hanse.guests import personal_data

        personal_data.register()

        # No person is created through single sign-on for an invited guest's address.
        from hanse.guests import sso as guest_sso
        from hanse.identity import sso

        sso.register_signup_check(guest_sso.open_invitation_refusal)
