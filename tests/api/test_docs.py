"""/api/v1/docs: Swagger UI from our own static files, never from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client

from hanse.api.urls import api

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_docs_load_swagger_ui_from_our_static_files(db):
    """Every script and stylesheet of the docs page is ours; none comes from another host."""
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert "/static/vendor/swagger-ui/swagger-ui.css" in sources
    assert "/static/api/swagger-init.js" in sources
    assert all(s.startswith("/static/") for s in sources), sources
    # No content-delivery host anywhere (not only in src/href); looked for as a host name, as
    # the page's random tokens (CSRF, nonce) may contain the letters "cdn".
    assert not re.search(r"\bcdn(js)?\.|unpkg\.com|jsdelivr|//[a-z0-9.-]+/", html.lower())
    assert "<script>" not in html  # no inline script


def test_swagger_ui_is_collected_from_npm():
    """swagger-ui-dist from package.json is found by the static files finders."""
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert finders.find(f"vendor/swagger-ui/{name}"), name
    assert finders.find("api/swagger-init.js")


def test_docs_resource_table_lists_every_operation(db):
    """docs/api.md names every operation of the OpenAPI document (`METHOD /path`)."""
    text = API_DOC.read_text(encoding="utf-8")
    table = text[text.index("## Resources") :]
    missing = [
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if f"`{method.upper()} {path.removeprefix('/api/v1')}`" not in table
    ]
    assert missing == []
