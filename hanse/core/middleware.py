from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import translation

from hanse.core.text import UnstorableTextError, check_storable


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
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        return response


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a session, except those marked `login_not_required` and the API.

    The API authenticates each request itself (token or session, see hanse/api/urls.py) and
    answers 401 in JSON instead of redirecting to the login page.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class UnstorableInputMiddleware:
    """Refuse a request whose path or query string holds a NUL character (400).

    PostgreSQL cannot compare a text with NUL: `/people/%00` or `?q=%00` reached the database
    and ended in a 500. Checked once here for every page and endpoint; JSON bodies are checked
    by the API's parser, form fields by Django's forms. Runs after the language is chosen, so
    the answer is in the person's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_storable(request.path_info)
            check_storable(dict(request.GET.lists()))
        except UnstorableTextError as exc:
            # Django answers BadRequest through handler400 (hanse.core.views.bad_request).
            raise BadRequest(str(exc.message)) from exc
        return self.get_response(request)


class LivenessMiddleware:
    """Answers ``GET /healthz`` before anything else runs: no host check (supervisors and load
    balancers probe by IP address), no session, no database. Everything else passes through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return JsonResponse({"status": "ok"})
        return self.get_response(request)
