"""A real SAML 2.0 identity provider for the single sign-on tests: pysaml2's IdP (``Server``)
behind a small WSGI server (wsgiref), started by tests/support/saml.py as a process of its
own. It signs its responses with xmlsec1 and a key made for the run, and takes requests
(AuthnRequest, LogoutRequest) only signed with the SP's key, as ADFS does for logging out.

Endpoints: ``/metadata`` (the IdP's metadata), ``/sso/redirect`` (HTTP-Redirect binding: shows
a log-in form), ``/sso/login`` (the form's target: answers with the HTTP-POST binding's
self-submitting form to the SP's assertion consumer service), ``/slo/redirect`` (single
logout, HTTP-Redirect: takes the SP's LogoutRequest only signed by the SP's key, as ADFS does,
answers with a signed LogoutResponse; takes the SP's LogoutResponse), ``/logout?login=…``
(IdP-initiated logout: redirects to the SP's SLS with a LogoutRequest for that person, signed
unless ``sign=0``, naming ``session_index`` if given), ``/slo/log`` (JSON: the logout messages
received).

Environment: SAML_IDP_PORT, SAML_IDP_KEY, SAML_IDP_CERT (PEM files), SAML_SP_ENTITY_ID,
SAML_SP_ACS (the service provider, whose metadata is written here), SAML_IDP_USERS (JSON:
login -> attributes by their friendly name: mail, givenName, sn), SAML_SP_SLS and
SAML_SP_CERT (the SP's single logout service and its certificate, PEM)."""

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
SP_SLS = os.environ["SAML_SP_SLS"]
SP_CERT = "".join(
    line
    for line in open(os.environ["SAML_SP_CERT"]).read().splitlines()  # noqa: SIM115
    if "-----" not in line
)
RECEIVED: list[dict[str, Any]] = []

SP_METADATA = f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{SP_ENTITY_ID}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"
      AuthnRequestsSigned="true" WantAssertionsSigned="true">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <ds:X509Data><ds:X509Certificate>{SP_CERT}</ds:X509Certificate></ds:X509Data>
    </ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location="{SP_SLS}"/>
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
                "single_logout_service": [(f"{BASE}/slo/redirect", BINDING_HTTP_REDIRECT)],
            },
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            # Requests only signed (as ADFS wants for logging out): pysaml2 then checks the
            # signature of every request, AuthnRequest and LogoutRequest, with the SP's key.
            "want_authn_requests_signed": True,
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


def _fields(encoded: str) -> dict[str, str]:
    """Query or form fields; an empty RelayState is kept (the signature covers it)."""
    return {k: v[0] for k, v in parse_qs(encoded, keep_blank_values=True).items()}


SAML_PARAMETERS = ("SAMLRequest", "RelayState", "SigAlg", "Signature")


def _authn_request(values: dict[str, str]) -> Any:
    """The AuthnRequest, its signature checked (Hanse signs with its SP key)."""
    return idp.parse_authn_request(
        values["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        relay_state=values.get("RelayState"),
        sigalg=values.get("SigAlg"),
        signature=values.get("Signature"),
    )


def _login_form(values: dict[str, str], error: str = "") -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(values[name])}">'
        for name in SAML_PARAMETERS
        if name in values
    )
    return (
        "<!doctype html><title>Test IdP</title>"
        f"<p>{html.escape(error)}</p>"
        f'<form method="post" action="/sso/login">{hidden}'
        '<label>Login <input name="login"></label>'
        '<label>Password <input type="password" name="password"></label>'
        '<button type="submit">Sign in</button></form>'
    )


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    path = environ["PATH_INFO"]
    if path == "/metadata":
        return _page(start_response, create_metadata_string(None, config=config), kind="text/xml")
    if path == "/sso/redirect":
        query = _fields(environ.get("QUERY_STRING", ""))
        _authn_request(query)  # valid and signed?
        return _page(start_response, _login_form(query))
    if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = _fields(environ["wsgi.input"].read(size).decode())
        request = _authn_request(form).message
        login = form.get("login", "")
        if login not in USERS:
            return _page(
                start_response,
                _login_form(form, "Unknown user"),
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
    if path == "/slo/redirect":
        return _single_logout(environ, start_response)
    if path == "/logout":
        query = _fields(environ.get("QUERY_STRING", ""))
        _request_id, request = idp.create_logout_request(
            SP_SLS,
            SP_ENTITY_ID,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"idp-{query['login']}"),
            session_indexes=[query["session_index"]] if query.get("session_index") else None,
        )
        sign = query.get("sign", "1") == "1"
        http_args = idp.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), SP_SLS, "", sign=sign, sigalg=SIG_RSA_SHA256
        )
        return _redirect(start_response, dict(http_args["headers"])["Location"])
    if path == "/slo/log":
        return _page(start_response, json.dumps(RECEIVED), kind="application/json")
    return _page(start_response, "not found", "404 Not Found", "text/plain")


def _redirect(start_response: Any, location: str) -> list[bytes]:
    start_response("302 Found", [("Location", location)])
    return [b""]


def _single_logout(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    query = _fields(environ.get("QUERY_STRING", ""))
    if "SAMLResponse" in query:
        answer = idp.parse_logout_request_response(query["SAMLResponse"], BINDING_HTTP_REDIRECT)
        RECEIVED.append(
            {"type": "LogoutResponse", "status": answer.response.status.status_code.value}
        )
        return _page(start_response, "<!doctype html><title>Test IdP</title><p>Logged out</p>")
    if "Signature" not in query:
        RECEIVED.append({"type": "LogoutRequest", "refused": "unsigned"})
        return _page(start_response, "unsigned LogoutRequest", "400 Bad Request", "text/plain")
    try:
        request = idp.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        )
    except Exception as error:  # a wrong signature: pysaml2 raises
        RECEIVED.append({"type": "LogoutRequest", "refused": type(error).__name__})
        return _page(start_response, "LogoutRequest refused", "400 Bad Request", "text/plain")
    message = request.message
    RECEIVED.append(
        {
            "type": "LogoutRequest",
            "name_id": message.name_id.text,
            "session_index": [index.text for index in message.session_index],
        }
    )
    response = idp.create_logout_response(message, [BINDING_HTTP_REDIRECT])
    http_args = idp.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        SP_SLS,
        query.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return _redirect(start_response, dict(http_args["headers"])["Location"])


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # wsgiref's name
        sys.stderr.write("saml-idp: " + (format % args) + "\n")


if __name__ == "__main__":
    with make_server("127.0.0.1", PORT, app, handler_class=_QuietHandler) as server:
        print("listening", flush=True)
        server.serve_forever()
