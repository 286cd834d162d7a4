"""A real SAML 2.0 identity provider for the single sign-on tests: pysaml2's IdP
(tests/support/saml_idp.py) in a process of its own on a free port, signing with xmlsec1 and a
key and certificate made for the run. Its service provider is Hanse as the Django test client
reaches it (http://hanse.test: python3-saml refuses single-label host names such as
"testserver"; organisation slug ``sso``)."""

from __future__ import annotations

import datetime
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.support.missing import skip_or_fail
from tests.support.oidc import settings_from_env
from tests.support.processes import Process, child_env, free_port, wait_http

SCRIPT = Path(__file__).with_name("saml_idp.py")
SLUG = "sso"
HOST = "hanse.test"
SP_ENTITY_ID = f"http://{HOST}/accounts/saml/{SLUG}/metadata/"
SP_ACS = f"http://{HOST}/accounts/saml/{SLUG}/acs/"
SP_SLS = f"http://{HOST}/accounts/saml/{SLUG}/sls/"

USERS: dict[str, dict[str, str]] = {
    "sina": {"mail": "sina.sommer@sparkasse.test", "givenName": "Sina", "sn": "Sommer"},
    "karl": {"mail": "Karl.Kunz@sparkasse.test", "givenName": "Karl", "sn": "Kunz"},
    "admin": {"mail": "admin@sparkasse.test", "givenName": "Ada", "sn": "Admin"},
}


@dataclass
class SamlIdP:
    base: str
    process: Process
    log: Path
    sp_cert: Path
    sp_key: Path

    @property
    def entity_id(self) -> str:
        return f"{self.base}/metadata"

    def app_settings(self) -> dict[str, Any]:
        """SOCIALACCOUNT_PROVIDERS as hanse/settings.py builds it from SAML_* for this IdP
        (the default attribute names: pysaml2 sends the X.500 ones)."""
        return settings_from_env(
            SAML_IDP_METADATA_URL=self.entity_id,
            SAML_IDP_ENTITY_ID=self.entity_id,
            SAML_NAME="Sparkasse ADFS",
            SAML_SLUG=SLUG,
            SAML_SP_CERT_FILE=str(self.sp_cert),
            SAML_SP_KEY_FILE=str(self.sp_key),
        )

    def logout_url(self, login: str, *, session_index: str = "", signed: bool = True) -> str:
        """Where the IdP sends a browser to end ``login``'s sessions at Hanse (IdP-initiated
        single logout: a redirect to Hanse's SLS with a LogoutRequest)."""
        query = urlencode(
            {"login": login, "session_index": session_index, "sign": "1" if signed else "0"}
        )
        return f"{self.base}/logout?{query}"

    def received(self) -> list[dict[str, Any]]:
        """The logout messages the IdP received, oldest first."""
        return list(httpx.get(f"{self.base}/slo/log", timeout=10).json())


def _key_and_certificate(directory: Path, name: str = "idp") -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test IdP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SamlIdP]:
    xmlsec1 = shutil.which("xmlsec1")
    if xmlsec1 is None:
        skip_or_fail(
            "xmlsec1 is not installed (apt-get install xmlsec1): the SAML IdP signs with it"
        )
    try:
        import saml2  # noqa: F401
    except ImportError:
        skip_or_fail("pysaml2 is not installed (make install)")
    directory = tmp_path_factory.mktemp("saml-idp")
    key_file, cert_file = _key_and_certificate(directory)
    sp_key, sp_cert = _key_and_certificate(directory, "sp")
    port = free_port()
    log = directory / "idp.log"
    env = child_env(
        SAML_IDP_PORT=str(port),
        SAML_IDP_KEY=str(key_file),
        SAML_IDP_CERT=str(cert_file),
        SAML_SP_ENTITY_ID=SP_ENTITY_ID,
        SAML_SP_ACS=SP_ACS,
        SAML_SP_SLS=SP_SLS,
        SAML_SP_CERT=str(sp_cert),
        SAML_IDP_USERS=json.dumps(USERS),
        XMLSEC1=xmlsec1,
    )
    process = Process([str(SCRIPT)], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/metadata", timeout=30, watch=[process])
        yield SamlIdP(base=base, process=process, log=log, sp_cert=sp_cert, sp_key=sp_key)
    finally:
        process.stop(timeout=10)
