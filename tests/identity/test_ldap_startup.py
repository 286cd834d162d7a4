"""The directory's transport is checked when Hanse starts (hanse/settings.py): production
refuses a connection that would send passwords in the clear or not check the certificate,
unless LDAP_ALLOW_INSECURE says so. Each case loads the settings for real in a new process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.support import slapd as server

server.require_python_ldap()

CLEAR = "would send every directory password in the clear"
UNCHECKED = "LDAP_TLS_REQUIRE_CERT=false accepts any certificate"


def _start(tmp_path: Path, **env: str) -> str:
    """Load hanse.settings with ``env`` as the LDAP environment; "" or the start-up error."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LDAP_"))}
    base.update(
        HANSE_ENV="production",
        SECRET_KEY="x" * 60 + "-production-like-secret-for-the-check",
        ALLOWED_HOSTS="hanse.example.org",
        DEBUG="0",
        HANSE_DATA_DIR=str(tmp_path),
    )
    base.update(env)
    result = subprocess.run(  # our own interpreter and a fixed program
        [sys.executable, "-c", "import hanse.settings"],
        cwd=Path(settings.BASE_DIR),
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode == 0:
        return ""
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"LDAP_SERVER_URI": "ldap://dc1.bank.local"}, CLEAR),
        # One plain address among several is enough to refuse.
        ({"LDAP_SERVER_URI": "ldaps://dc1.bank.local ldap://dc2.bank.local"}, CLEAR),
        ({"LDAP_SERVER_URI": "ldap://dc1.bank.local", "LDAP_START_TLS": "true"}, ""),
        ({"LDAP_SERVER_URI": "ldaps://dc1.bank.local:636"}, ""),
        ({"LDAP_SERVER_URI": "ldapi:///run/slapd/ldapi"}, ""),  # a socket on this host
        ({"LDAP_SERVER_URI": "ldap://dc1.bank.local", "LDAP_ALLOW_INSECURE": "true"}, ""),
        (
            {"LDAP_SERVER_URI": "ldaps://dc1.bank.local", "LDAP_TLS_REQUIRE_CERT": "false"},
            UNCHECKED,
        ),
        (
            {
                "LDAP_SERVER_URI": "ldaps://dc1.bank.local",
                "LDAP_TLS_REQUIRE_CERT": "false",
                "LDAP_ALLOW_INSECURE": "true",
            },
            "",
        ),
        (
            {"LDAP_SERVER_URI": "ldaps://dc1.bank.local", "LDAP_START_TLS": "true"},
            "LDAP_START_TLS is for ldap:// addresses; ldaps://dc1.bank.local is encrypted",
        ),
        ({"LDAP_SERVER_URI": "https://dc1.bank.local"}, "is not an ldap://, ldaps:// or ldapi://"),
        (
            {"LDAP_SERVER_URI": "ldaps://dc1.bank.local", "LDAP_TLS_CA_FILE": "/nowhere/ca.pem"},
            "LDAP_TLS_CA_FILE: /nowhere/ca.pem is not a file.",
        ),
        ({}, ""),  # no directory: nothing to check
    ],
)
def test_production_refuses_an_insecure_directory_connection(
    tmp_path: Path, env: dict[str, str], error: str
) -> None:
    message = _start(tmp_path, **env)
    if error:
        assert message.startswith("django.core.exceptions.ImproperlyConfigured: ")
        assert error in message
    else:
        assert message == ""


def test_the_plain_connection_error_names_the_fixes(tmp_path: Path) -> None:
    assert _start(tmp_path, LDAP_SERVER_URI="ldap://dc1.bank.local") == (
        "django.core.exceptions.ImproperlyConfigured: LDAP_SERVER_URI ldap://dc1.bank.local "
        "without LDAP_START_TLS would send every directory password in the clear: use "
        "ldaps://, or set LDAP_START_TLS=true (LDAP_ALLOW_INSECURE=true accepts it, e.g. for a "
        "directory on this host)."
    )


def test_outside_production_a_plain_connection_starts(tmp_path: Path) -> None:
    """A laptop or a test directory may use ldap:// (the certificate check stays on)."""
    assert _start(tmp_path, HANSE_ENV="development", LDAP_SERVER_URI="ldap://127.0.0.1") == ""
