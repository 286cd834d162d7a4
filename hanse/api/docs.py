"""/api/v1/docs: Swagger UI served from our own static files.

django-ninja renders its docs page from a public CDN (an unpinned `swagger-ui-dist@5`, no
integrity hash) unless "ninja" is an installed app. A bank's intranet page should not run
script from a third-party host, so the page is ours: swagger-ui-dist comes from npm
(package.json, pinned by package-lock.json) and is collected under static/vendor/swagger-ui/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api}
        return render(request, self.template, context)
