"""A real SAML 2.0 identity provider for the single sign-on tests: pysaml2's IdP (``Server``)
behind a small WSGI server (wsgiref), started by tests/support/saml.py as a process of its
own. It signs its responses with xmlsec1 and a key made for the run.

Endpoints: ``/metadata`` (the IdP's metadata), ``/sso/redirect`` (HTTP-Redirect binding: shows
a log-in form), ``/sso/login`` (the form's target: answers with the HTTP-POST binding's
self-submitting form to the SP's assertion consumer service).

Environment: SAML_IDP_PORT, SAML_IDP_KEY, SAML_IDP_CERT (PEM files), SAML_SP_ENTITY_ID,
SAML_SP_ACS (the service provider, whose metadata is written here), SAML_IDP_USERS (JSON:
login -> attributes by their friendly name: mail, givenName, sn)."""

from __future__ import annotations

import html
import json
import os
import sys
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PORT = int(os.environ["SAML_IDP_PORT"])
BASE = f"http://127.0.0.1:{PORT}"
SP_ENTITY_ID = os.environ["SAML_SP_ENTITY_ID"]
SP_ACS = os.environ["SAML_SP_ACS"]
USERS: dict[str, dict[str, str]] = json.loads(os.environ["SAML_IDP_USERS"])

SP_METADATA = f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{SP_ENTITY_ID}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="false" WantAssertionsSigned="true">
    <md:NameIDFormat>{NAMEID_FORMAT_PERSISTENT}</md:NameIDFormat>
    <md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{SP_ACS}" index="0"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"""

CONFIG = {
    "entityid": f"{BASE}/metadata",
    "service": {
        "idp": {
            "name": "Test IdP",
            "endpoints": {
                "single_sign_on_service": [(f"{BASE}/sso/redirect", BINDING_HTTP_REDIRECT)],
            },
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "want_authn_requests_signed": False,
            "policy": {
                "default": {
                    "lifetime": {"minutes": 15},
                    "attribute_restrictions": None,
                    "name_form": NAME_FORMAT_URI,
                },
            },
        },
    },
    "key_file": os.environ["SAML_IDP_KEY"],
    "cert_file": os.environ["SAML_IDP_CERT"],
    "xmlsec_binary": os.environ.get("XMLSEC1", "/usr/bin/xmlsec1"),
    "metadata": {"inline": [SP_METADATA]},
}

config = IdPConfig()
config.load(CONFIG)
idp = Server(config=config)


def _page(
    start_response: Any, body: str | bytes, status: str = "200 OK", kind: str = "text/html"
) -> list[bytes]:
    start_response(status, [("Content-Type", f"{kind}; charset=utf-8")])
    return [body if isinstance(body, bytes) else body.encode()]


def _login_form(saml_request: str, relay_state: str, error: str = "") -> str:
    return (
        "<!doctype html><title>Test IdP</title>"
        f"<p>{html.escape(error)}</p>"
        '<form method="post" action="/sso/login">'
        f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
        f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
        '<label>Login <input name="login"></label>'
        '<label>Password <input type="password" name="password"></label>'
        '<button type="submit">Sign in</button></form>'
    )


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    path = environ["PATH_INFO"]
    if path == "/metadata":
        return _page(start_response, create_metadata_string(None, config=config), kind="text/xml")
    if path == "/sso/redirect":
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        idp.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)  # valid?
        return _page(start_response, _login_form(query["SAMLRequest"], query.get("RelayState", "")))
    if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        request = idp.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT).message
        login = form.get("login", "")
        if login not in USERS:
            return _page(
                start_response,
                _login_form(form["SAMLRequest"], form.get("RelayState", ""), "Unknown user"),
            )
        destination = request.assertion_consumer_service_url or SP_ACS
        response = idp.create_authn_response(
            identity=USERS[login],
            in_response_to=request.id,
            destination=destination,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"idp-{login}"),
            authn={"class_ref": PASSWORD, "authn_auth": f"{BASE}/metadata"},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        http_args = idp.apply_binding(
            BINDING_HTTP_POST, str(response), destination, form.get("RelayState", ""), response=True
        )
        return _page(start_response, http_args["data"])
    return _page(start_response, "not found", "404 Not Found", "text/plain")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # wsgiref's name
        sys.stderr.write("saml-idp: " + (format % args) + "\n")


if __name__ == "__main__":
    with make_server("127.0.0.1", PORT, app, handler_class=_QuietHandler) as server:
        print("listening", flush=True)
        server.serve_forever()
