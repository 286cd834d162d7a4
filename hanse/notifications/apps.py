from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hanse.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Imported here: the app registry must be ready. Every app registers its own
        # notification types from its AppConfig.ready(); this app owns none.
        from hanse.core.signals import community_event, membership_ended
        from hanse.jobs import scheduler
        from hanse.notifications import jobs, tasks

        scheduler.register(*jobs.SCHEDULES)
        from hanse.notifications import retention  # its retention policy (uses the models)

        retention.register()
        community_event.connect(
            tasks.on_community_event, dispatch_uid="hanse.notifications.community_event"
        )
        membership_ended.connect(
            tasks.on_membership_ended, dispatch_uid="hanse.notifications.membership_ended"
        )
        from hanse.notifications import personal_data  # its data export (uses the models)

        personal_data.register()
