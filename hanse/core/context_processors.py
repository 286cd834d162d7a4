from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def hanse(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.HANSE_SITE_NAME,
        "LANGUAGES": settings.LANGUAGES,
        # The language of what the organisation writes (unit and job names from HR), which
        # browsers need to hyphenate it, whatever the language of the interface.
        "ORG_LANGUAGE": settings.LANGUAGE_CODE.split("-")[0],
    }
