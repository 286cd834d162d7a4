"""A real OpenID provider for the single sign-on tests: the npm package ``oidc-provider``
(tests/support/oidc_provider.mjs) under Node on a free port, with one client (Hanse, as the
Django test client reaches it: http://testserver) and the accounts below.

``SsoBrowser`` walks a sign-in as a browser would: Hanse's pages through the Django test
client, the identity provider's pages over HTTP, following the redirects between them and
filling in the provider's forms.

The provider signs with a key made here (``SIGNING_KEY``), so that a test can also sign a
token as the provider would (``OpenIDProvider.sign``: a logout token with one thing wrong)."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import jwt
import lxml.html
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.test import Client

from tests.support.missing import skip_or_fail
from tests.support.processes import (
    Process,
    child_env,
    free_port,
    last_json_line,
    run_python,
    wait_http,
)

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "hanse-test"
CLIENT_SECRET = "hanse-test-secret"  # a throwaway test provider's
PROVIDER_ID = "oidc"
CALLBACK = f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/"

# The provider's people (their log-in name is their subject).
ACCOUNTS: dict[str, dict[str, Any]] = {
    "nina": {
        "email": "nina.neumann@sparkasse.test",
        "email_verified": True,
        "given_name": "Nina",
        "family_name": "Neumann",
        "name": "Nina Neumann",
    },
    "karl": {
        "email": "Karl.Kunz@Sparkasse.test",
        "email_verified": True,
        "given_name": "Karl",
        "family_name": "Kunz",
    },
    "admin": {
        "email": "admin@sparkasse.test",
        "email_verified": True,
        "given_name": "Ada",
        "family_name": "Admin",
    },
    "otto": {
        "email": "otto.ohnebestaetigung@sparkasse.test",
        "email_verified": False,
        "given_name": "Otto",
        "family_name": "Ohne",
    },
}


BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
SIGNING_KID = "hanse-test-key"
# Made once per test run: the provider's signing key (and another that is not its).
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _private_jwk() -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY))
    # PyJWT marks it "key_ops": ["sign"]: the provider then finds no key to verify its own
    # ID tokens with (id_token_hint at logout).
    jwk.pop("key_ops", None)
    return {**jwk, "kid": SIGNING_KID}


@dataclass
class OpenIDProvider:
    issuer: str
    process: Process
    log: Path

    def sign(
        self,
        claims: dict[str, Any],
        *,
        key: Any = None,
        headers: dict[str, Any] | None = None,
        algorithm: str = "RS256",
    ) -> str:
        """A JWT as the provider signs it (with ``key``: as somebody else would)."""
        return jwt.encode(
            claims,
            key if key is not None else SIGNING_KEY,
            algorithm=algorithm,
            headers={"kid": SIGNING_KID, "typ": "logout+jwt", **(headers or {})},
        )

    def logout_token(self, **claims: Any) -> dict[str, Any]:
        """The claims of a valid logout token for Hanse (None drops a claim)."""
        base: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": int(time.time()),
            "exp": int(time.time()) + 120,
            "jti": uuid.uuid4().hex,
            "events": {BACKCHANNEL_EVENT: {}},
        }
        base.update(claims)
        return {k: v for k, v in base.items() if v is not None}

    def backchannel_calls(self) -> list[dict[str, Any]]:
        """The provider's back-channel logouts so far, as it logged them."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [json.loads(line) for line in lines if line.startswith('{"backchannel"')]

    def app_settings(self) -> dict[str, Any]:
        """SOCIALACCOUNT_PROVIDERS as hanse/settings.py builds it from OIDC_* for this one."""
        return settings_from_env(
            OIDC_SERVER_URL=self.issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_NAME="Sparkasse SSO",
        )


_from_env: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}


def settings_from_env(**env: str) -> dict[str, Any]:
    """``SOCIALACCOUNT_PROVIDERS`` as hanse/settings.py builds it from these variables (in a
    process of its own: settings are read once, at start)."""
    key = tuple(sorted(env.items()))
    if key not in _from_env:
        code = (
            "import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hanse.settings');"
            "from django.conf import settings;"
            "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
        )
        child = child_env(drop_prefixes=("OIDC_", "SAML_", "SSO_"), HANSE_ENV="test", **env)
        _from_env[key] = last_json_line(run_python(["-c", code], child, timeout=60))
    return _from_env[key]


@contextmanager
def running_provider(
    directory: Path, callbacks: list[str], *, backchannel_logout_uri: str = ""
) -> Iterator[OpenIDProvider]:
    """oidc-provider on a free port whose client may return to ``callbacks`` (and is sent
    a logout token at ``backchannel_logout_uri`` when a session with it ends there)."""
    node = shutil.which("node")
    if node is None:
        skip_or_fail("Node.js is not installed (apt-get install nodejs npm)")
    package = Path(django_settings.BASE_DIR) / "node_modules" / "oidc-provider"
    if not package.is_dir():
        skip_or_fail("the npm package oidc-provider is not installed (npm install)")
    port = free_port()
    log = directory / "oidc-provider.log"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT": json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": callbacks,
                # RP-initiated logout comes back to Hanse's login page (OIDC_LOGOUT).
                "post_logout_redirect_uris": sorted(
                    {urljoin(callback, "/accounts/login/") for callback in callbacks}
                ),
                **(
                    {
                        "backchannel_logout_uri": backchannel_logout_uri,
                        "backchannel_logout_session_required": True,
                    }
                    if backchannel_logout_uri
                    else {}
                ),
            }
        ),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
        "OIDC_JWKS": json.dumps({"keys": [_private_jwk()]}),
    }
    process = Process([str(SCRIPT)], env, log, program=node)
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{issuer}/.well-known/openid-configuration", timeout=30, watch=[process])
        yield OpenIDProvider(issuer=issuer, process=process, log=log)
    finally:
        process.stop(timeout=10)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIDProvider]:
    """The provider for Hanse as the Django test client reaches it (http://testserver)."""
    with running_provider(tmp_path_factory.mktemp("oidc"), [CALLBACK]) as provider:
        yield provider


@dataclass
class Page:
    url: str
    status: int
    text: str

    @property
    def hanse(self) -> bool:
        return urlsplit(self.url).netloc in ("", "testserver", "hanse.test")

    def form(self, index: int = 0) -> tuple[str, dict[str, str]]:
        """The action (absolute) and the values of a form on the page."""
        document = lxml.html.fromstring(self.text)
        form = document.forms[index]
        return urljoin(self.url, form.action or self.url), dict(form.form_values())


class SsoBrowser:
    """Hanse through the Django test client, everything else over HTTP; redirects followed
    across both, as a browser does."""

    def __init__(self, client: Client | None = None, *, host: str = "testserver") -> None:
        # A browser always sends Host (python3-saml reads it; the test client leaves it out).
        self.host = host
        self.client = client or Client(HTTP_HOST=host)
        self.web = httpx.Client(follow_redirects=False, timeout=15)

    def close(self) -> None:
        self.web.close()

    def go(self, method: str, url: str, data: dict[str, str] | None = None) -> Page:
        for _ in range(20):
            parts = urlsplit(url)
            if parts.netloc in ("", self.host):
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if method == "POST":
                    response = self.client.post(path, data or {})
                else:
                    response = self.client.get(path)
                status, location = response.status_code, response.get("Location")
                text = response.content.decode(errors="replace")
                url = f"http://{self.host}{path}"
            else:
                answer = self.web.request(method, url, data=data)
                status, location, text = (
                    answer.status_code,
                    answer.headers.get("location"),
                    answer.text,
                )
            if os.environ.get("SSO_TRACE"):
                print("SSO_TRACE", method, url, status, location)
            if status in (301, 302, 303, 307) and location:
                url, method, data = urljoin(url, location), "GET", None
                continue
            return Page(url, status, text)
        raise AssertionError(f"too many redirects, last at {url}")

    def submit(self, page: Page, index: int = 0, **values: str) -> Page:
        action, fields = page.form(index)
        return self.go("POST", action, {**fields, **values})

    def sign_in(self, login_url: str, login: str) -> Page:
        """Press the SSO button (POST to Hanse's login URL), sign in at the provider as
        ``login``, agree to what it asks, and return the page Hanse ends on."""
        page = self.go("POST", login_url)
        for _ in range(5):
            if page.hanse:
                return page
            assert page.status == 200, (page.url, page.status, page.text[:500])
            if 'name="login"' in page.text:
                page = self.submit(page, login=login, password="anything")
            else:
                page = self.submit(page)  # consent: "Continue"
        raise AssertionError(f"stuck at the provider: {page.url}\n{page.text[:800]}")
