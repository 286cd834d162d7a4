from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "hanse.identity"
    label = "identity"
    verbose_name = _("Identity and access")

    def ready(self) -> None:
        # Receivers are connected once the app registry is ready.
        from hanse.identity import signals

        signals.connect()
        # The directory sync, when LDAP_SERVER_URI turns the directory on.
        from hanse.identity.ldap import jobs
        from hanse.jobs import scheduler

        scheduler.register(*jobs.schedules())
        from hanse.identity import personal_data  # its data export (uses the models)

        personal_data.register()
        _name_allauth_fields()


def _name_allauth_fields() -> None:
    """allauth's social account models leave four fields unnamed, so the admin would show
    their Python names in English ("settings", "app"): give them translatable names."""
    from django.apps import apps

    if not apps.is_installed("allauth.socialaccount"):
        return
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken

    for model, field, label in (
        (SocialApp, "settings", _("settings")),
        (SocialToken, "app", _("application")),
        (SocialToken, "account", _("account")),
        (SocialAccount, "user", _("user")),
    ):
        model._meta.get_field(field).verbose_name = label
