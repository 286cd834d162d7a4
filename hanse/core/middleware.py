from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Activate the signed-in person's chosen language, else the cookie or the browser's.

    Runs after authentication so the profile setting wins; replaces LocaleMiddleware because
    Hanse does not put the language into URLs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = ""
        if user is not None and user.is_authenticated:
            language = getattr(user, "ui_language", "")
        if not language:
            language = translation.get_language_from_request(request)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        return response
