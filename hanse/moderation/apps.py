from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "hanse.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the notification
        # types, and the policy that core's moderation registry asks (hanse/core/moderation.py).
        from hanse.core import moderation
        from hanse.moderation import notifications  # noqa: F401
        from hanse.moderation.policy import POLICY

        moderation.set_policy(POLICY)
        from hanse.moderation import retention  # its retention policy (uses the models)

        retention.register()
        from hanse.moderation import personal_data  # its data export (uses the models)

        personal_data.register()
