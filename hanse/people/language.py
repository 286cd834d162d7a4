"""The footer's language switch: one language setting.

Django's ``set_language`` stores the choice in a cookie, which ``UserLanguageMiddleware``
rightly ignores once the profile names a language, so the switch silently did nothing for
those people. For a signed-in person the switch now changes the profile's language (the one
setting); the cookie still carries it for the login page and other visitors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: the profile's setting when signed in, and the cookie."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and getattr(user, "ui_language", "") != language
    ):
        # Imported here: core sits below people in the layers; this one view reaches up.
        from hanse.people.services import profile_update

        profile_update(user=user, by=user, ui_language=language)
    return response
