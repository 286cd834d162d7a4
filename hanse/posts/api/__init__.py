"""The stream's API routers, mounted by hanse/api/urls.py."""

from ninja import Router

from hanse.posts.api import comments, feeds, posts  # noqa: F401  # they add their operations
from hanse.posts.api.announcements import router as announcements_router
from hanse.posts.api.router import router as posts_router

__all__ = ["Router", "announcements_router", "posts_router"]
