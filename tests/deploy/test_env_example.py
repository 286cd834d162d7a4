"""deploy/env.example names every variable hanse/settings.py reads from the environment (set or
commented out with its default), and docs/operations.md explains the identity ones."""

from __future__ import annotations

import ast
import re

from django.conf import settings

SETTINGS = settings.BASE_DIR / "hanse" / "settings.py"
ENV_EXAMPLE = settings.BASE_DIR / "deploy" / "env.example"
OPERATIONS = settings.BASE_DIR / "docs" / "operations.md"

READERS = {
    "env_str",
    "env_bool",
    "env_int",
    "env_list",
    "os.environ.get",
    "os.getenv",
    "os.environ.setdefault",
}
# Read by the test setup only, never set on a server.
TEST_ONLY = {"PYTEST_VERSION", "TEST_DATABASE_NAME", "TASKS_REAL_QUEUE"}
# The helpers themselves pass a parameter on.
HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def _read_variables() -> set[str]:
    tree = ast.parse(SETTINGS.read_text())
    helper_bodies = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and function.name in HELPERS
        for node in ast.walk(function)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            assert isinstance(node.slice, ast.Constant), ast.unparse(node)
            names.add(str(node.slice.value))
        if not isinstance(node, ast.Call) or ast.unparse(node.func) not in READERS:
            continue
        if id(node) in helper_bodies:
            continue
        first = node.args[0] if node.args else None
        # A name built at run time could not be checked: settings.py spells each one out.
        assert isinstance(first, ast.Constant), f"line {node.lineno}: {ast.unparse(node)}"
        names.add(str(first.value))
    return names


def _listed() -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def test_every_variable_settings_reads_is_in_env_example() -> None:
    read = _read_variables()
    # The reader sees the variables of every part of settings.py (a sample of each kind).
    assert {"SECRET_KEY", "DATABASE_URL", "LDAP_START_TLS", "OIDC_SERVER_URL"} <= read
    assert sorted(read - TEST_ONLY - _listed()) == []


def test_env_example_names_only_variables_that_exist() -> None:
    """A variable renamed or removed in settings.py does not linger in the example."""
    # Read by Django and by prometheus_client, not by settings.py.
    outside_settings = {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}
    assert sorted(_listed() - _read_variables() - outside_settings) == []


def test_the_identity_variables_are_documented() -> None:
    text = OPERATIONS.read_text()
    identity = sorted(
        name
        for name in _read_variables()
        if name.startswith(("OIDC_", "SAML_", "SSO_", "LDAP_")) or name == "LOGIN_PASSWORD_FORM"
    )
    assert len(identity) > 30
    assert [name for name in identity if f"`{name}`" not in text] == []
