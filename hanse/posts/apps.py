from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "hanse.posts"
    label = "posts"
    verbose_name = _("Posts")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the notification
        # types (mentions, comments, reactions, community posts, announcements), the stream's
        # WebSocket topics and its scheduled job.
        from hanse.jobs import scheduler
        from hanse.posts import jobs, live, notifications  # noqa: F401

        live.register()
        scheduler.register(*jobs.SCHEDULES)
        from hanse.core import uploads  # after the app registry is ready
        from hanse.posts.services.attachments import ATTACHMENTS  # names the posts' models

        uploads.register(ATTACHMENTS)
        from hanse.people import profile_sections
        from hanse.posts import search  # noqa: F401  # registers the searchable types
        from hanse.posts.views.streams import profile_section  # the views need the models

        profile_sections.register("posts", profile_section, order=50)
        from hanse.posts import interactions  # the stream's interaction kinds (analytics)

        interactions.register()
        from hanse.posts import (
            moderation,  # noqa: F401  # registers the moderatable types
            personal_data,  # its data export (uses the models)
        )

        personal_data.register()
