from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hanse.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The built-in types (mentions, replies, reactions, communities, announcements) are
        # registered when the module is imported; later features register theirs in their own
        # AppConfig.ready().
        from hanse.core.signals import community_event, membership_ended
        from hanse.jobs import scheduler
        from hanse.notifications import jobs, tasks

        scheduler.register(*jobs.SCHEDULES)
        community_event.connect(
            tasks.on_community_event, dispatch_uid="hanse.notifications.community_event"
        )
        membership_ended.connect(
            tasks.on_membership_ended, dispatch_uid="hanse.notifications.membership_ended"
        )
