"""The one router of the stream's API (mounted at /api/v1/ by hanse/api/urls.py); the
modules beside it add their operations to it."""

from ninja import Router

router = Router(tags=["posts"])
