"""The translation catalog of our JavaScript (domain ``djangojs``), cacheable for good.

The URL names the language and a version (a hash of the compiled ``djangojs.mo`` catalogs):
``/jsi18n/de/3f2a9c1b.js``. A page asks for its own language through the ``{% js_catalog %}``
tag (hanse/core/templatetags/hanse_i18n.py), so the file never depends on cookies or headers
and browsers keep it for a year; a new release with changed translations has a new version,
hence a new URL. Scripts then call ``gettext()``, ``ngettext()`` and ``interpolate()``.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

DOMAIN = "djangojs"
CACHE_FOREVER = "public, max-age=31536000, immutable"


@functools.cache
def catalog_version() -> str:
    """A short hash of every compiled JavaScript catalog (read once per process)."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        for mo in sorted(Path(folder).glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
            digest.update(mo.as_posix().encode())
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


def catalog_url(language: str) -> str:
    return reverse("core:jsi18n", args=[language, catalog_version()])


@functools.cache
def _catalog_js(language: str) -> bytes:
    """The script of one language, built once per process (it changes only with a release)."""
    request = HttpRequest()
    request.method = "GET"
    with translation.override(language):
        # Only our catalogs (LOCALE_PATHS, always merged): not those of the admin's scripts.
        response = JavaScriptCatalog.as_view(domain=DOMAIN, packages=["hanse.core"])(request)
    assert isinstance(response, HttpResponse)  # noqa: S101  # JavaScriptCatalog renders one
    return bytes(response.content)


@login_not_required  # the login page's scripts need it too; it holds no secrets
@require_safe
def javascript_catalog(request: HttpRequest, language: str, version: str) -> HttpResponse:
    """The catalog of ``language``; an outdated version is sent on to the current URL."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    if version != catalog_version():
        return HttpResponseRedirect(catalog_url(language))
    response = HttpResponse(_catalog_js(language), content_type="text/javascript; charset=utf-8")
    response.headers["Cache-Control"] = CACHE_FOREVER
    response.headers["Content-Language"] = language
    return response
