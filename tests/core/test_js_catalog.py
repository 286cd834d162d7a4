"""Our scripts' strings come from the translation catalog: German for a German user,
English for an English one, from a URL browsers may keep for good."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hanse.core.jsi18n import catalog_version
from hanse.people.models import User

STREAM_JS = Path(settings.BASE_DIR) / "hanse" / "posts" / "static" / "posts" / "stream.js"
SCRIPT = re.compile(r'<script src="(/jsi18n/[a-z]+/[0-9a-f]+\.js)" defer></script>')


def _catalog_of_start_page(client: Client) -> tuple[str, str]:
    """The catalog URL the start page loads (before stream.js), and the catalog's script."""
    page = client.get(reverse("home:index")).content.decode()
    match = SCRIPT.search(page)
    assert match, "the start page has no JavaScript catalog"
    assert page.index(match.group(0)) < page.index("posts/stream.js")
    response = client.get(match.group(1))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    return match.group(1), response.content.decode()


def _run(catalog: str, expressions: list[str]) -> list[str]:
    """Evaluate the catalog in Node as a browser would, then the expressions with its
    gettext, ngettext and interpolate."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (npm ci needs it too)")
    program = (
        "const vm = require('vm'); const window = {}; vm.createContext(window);"
        f"vm.runInContext({json.dumps(catalog)}, window);"
        f"const out = {json.dumps(expressions)}.map((e) => vm.runInContext(e, window));"
        "process.stdout.write(JSON.stringify(out));"
    )
    done = subprocess.run(  # noqa: S603  # a fixed program, our own catalog
        [node, "-e", program], capture_output=True, text=True, timeout=30, check=True
    )
    return list(json.loads(done.stdout))


EXPRESSIONS = [
    'gettext("New posts are here")',
    'gettext("show")',
    'gettext("No suggestions.")',
    'interpolate(ngettext("%(count)s suggestion. Use the arrow keys and Enter to choose.",'
    ' "%(count)s suggestions. Use the arrow keys and Enter to choose.", 3), {count: 3}, true)',
]


@pytest.fixture
def person(make_user: Callable[..., User]) -> Callable[[str], Client]:
    def make(language: str) -> Client:
        client = Client()
        client.force_login(make_user(f"p{language}", ui_language=language))
        return client

    return make


def test_german_user_gets_german_strings(person: Callable[[str], Client]) -> None:
    """A German user's page loads the German catalog; its strings are what stream.js uses."""
    url, catalog = _catalog_of_start_page(person("de"))
    assert url == f"/jsi18n/de/{catalog_version()}.js"
    assert _run(catalog, EXPRESSIONS) == [
        "Es gibt neue Beiträge",
        "anzeigen",
        "Keine Vorschläge.",
        "3 Vorschläge. Mit den Pfeiltasten wählen, mit Enter übernehmen.",
    ]


def test_english_user_gets_english_strings(person: Callable[[str], Client]) -> None:
    """An English user's page loads the English catalog: the source text."""
    url, catalog = _catalog_of_start_page(person("en"))
    assert url == f"/jsi18n/en/{catalog_version()}.js"
    assert _run(catalog, EXPRESSIONS) == [
        "New posts are here",
        "show",
        "No suggestions.",
        "3 suggestions. Use the arrow keys and Enter to choose.",
    ]


def test_stream_js_has_no_strings_of_its_own() -> None:
    """stream.js asks the catalog; no German text is left in it."""
    source = STREAM_JS.read_text(encoding="utf-8")
    assert 'gettext("New posts are here")' in source
    assert "Beiträge" not in source
    assert "Vorschläge" not in source


def test_catalog_is_cacheable_and_public(db: None) -> None:
    """Anyone (the login page too) may load it; browsers keep it for a year."""
    response = Client().get(f"/jsi18n/de/{catalog_version()}.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Es gibt neue Beitr" in response.content.decode()


def test_outdated_version_and_unknown_language(db: None) -> None:
    """An old version is sent on to the current URL; an unknown language is not found."""
    client = Client()
    old = client.get("/jsi18n/de/000000000000.js")
    assert old.status_code == 302
    assert old["Location"] == f"/jsi18n/de/{catalog_version()}.js"
    assert client.get(f"/jsi18n/fr/{catalog_version()}.js").status_code == 404
    assert client.post(f"/jsi18n/de/{catalog_version()}.js").status_code == 405


def test_make_messages_extracts_the_script_strings() -> None:
    """The German djangojs catalog holds every string stream.js asks for."""
    po = (Path(settings.BASE_DIR) / "hanse/locale/de/LC_MESSAGES/djangojs.po").read_text()
    source = STREAM_JS.read_text(encoding="utf-8")
    asked = re.findall(r'gettext\(\s*"([^"]+)"', source)
    asked += re.findall(r'ngettext\(\s*"([^"]+)",\s*"([^"]+)"', source)[0]
    assert asked
    for text in asked:
        assert f'msgid "{text}"' in po or f'msgid_plural "{text}"' in po
