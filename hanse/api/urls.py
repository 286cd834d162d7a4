"""The API root: /api/v1/, with its OpenAPI document and interactive docs at /api/v1/docs."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import SessionAuth

from hanse.analytics.api import router as analytics_router  # network analytics
from hanse.api.auth import TokenAuth
from hanse.api.docs import LocalSwagger
from hanse.api.errors import install_error_handlers
from hanse.api.parser import HanseParser
from hanse.chat.api import router as chat_router
from hanse.circles.api import router as circles_router
from hanse.communities.api import router as communities_router

# Ideas, experiments and consent decisions (issue 17).
from hanse.decisions.api import router as decisions_router
from hanse.events.api import router as events_router
from hanse.files.api import router as files_router
from hanse.ideas.api import router as ideas_router
from hanse.moderation.api import router as moderation_router
from hanse.notifications.api import router as notifications_router
from hanse.participation.api import praise_router, questions_router, townhalls_router
from hanse.participation.api import router as polls_router
from hanse.people.api import orgunits_router, people_router
from hanse.posts.api import announcements_router, posts_router
from hanse.search.api import experts_router, search_router
from hanse.wiki.api import router as wiki_router

api = NinjaAPI(
    title="Hanse API",
    version="1",
    description=(
        "The Hanse API. Authenticate with the browser session (and the CSRF token for writes) "
        "or with a personal access token: `Authorization: Bearer <token>`. Create tokens "
        "under Settings → API tokens."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
    parser=HanseParser(),
    docs=LocalSwagger(),
)
install_error_handlers(api)
api.add_router("/people", people_router)
api.add_router("/org-units", orgunits_router)
api.add_router("/communities", communities_router)
api.add_router("/", posts_router)
api.add_router("/announcements", announcements_router)
api.add_router("/notifications", notifications_router)
api.add_router("/events", events_router)
api.add_router("/wiki", wiki_router)
api.add_router("/library", files_router)
api.add_router("/circles", circles_router)
api.add_router("/chat", chat_router)
api.add_router("/polls", polls_router)
api.add_router("/questions", questions_router)
api.add_router("/praise", praise_router)
api.add_router("/townhalls", townhalls_router)
api.add_router("/search", search_router)
api.add_router("/experts", experts_router)
api.add_router("/ideas", ideas_router)
api.add_router("/decisions", decisions_router)
# Network analytics: aggregates only, for the analytics role (hanse/analytics/api.py).
api.add_router("/analytics", analytics_router)
# Reports and the moderation queue (issue 21).
api.add_router("/moderation", moderation_router)
