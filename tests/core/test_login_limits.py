"""Failed-login limits: per account and address, per address counting failures only, and the
client address read from X-Forwarded-For only when a trusted proxy sent it."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client, RequestFactory
from django.urls import reverse

from hanse.core.net import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"


def _login(client: Client, login: str, password: str, **extra: str) -> str:
    response = client.post(
        reverse("account_login"), {"login": login, "password": password}, **extra
    )
    if response.status_code == 302:
        return "ok"
    html = response.content.decode()
    return "too many" if TOO_MANY in html else f"refused {response.status_code}"


def test_username_and_email_share_one_allowance(user):
    """Guesses with the user name and with the e-mail address count against one account."""
    client = Client()
    for login in ("anna", "anna", "anna", "Anna@Example.org", "anna@example.org"):
        assert _login(client, login, "wrong") == "refused 200"
    assert _login(client, "ANNA", PASSWORD) == "too many"
    assert _login(client, "anna@example.org", PASSWORD) == "too many"


def test_unknown_login_is_limited_like_a_known_one(user):
    """An unknown login is refused after as many tries as a real one; others are unaffected."""
    client = Client()
    for _ in range(5):
        assert _login(client, "Nobody ", "wrong") == "refused 200"
    assert _login(client, "nobody", "wrong") == "too many"
    assert _login(client, "anna", PASSWORD) == "ok"


def test_guessing_from_elsewhere_does_not_lock_the_person_out(user):
    """Five wrong guesses from one address lock that address out of the account, not others."""
    attacker = {"REMOTE_ADDR": "203.0.113.5"}
    for _ in range(5):
        assert _login(Client(), "anna", "wrong", **attacker) == "refused 200"
    assert _login(Client(), "anna", PASSWORD, **attacker) == "too many"
    assert _login(Client(), "anna", PASSWORD, REMOTE_ADDR="198.51.100.7") == "ok"


def test_failures_from_one_address_are_limited(make_user):
    """Ten failures from one address, across accounts, close it for a while."""
    people = [make_user() for _ in range(11)]
    for person in people[:10]:
        assert _login(Client(), person.username, "wrong") == "refused 200"
    assert _login(Client(), people[10].username, PASSWORD) == "too many"
    assert _login(Client(), people[10].username, PASSWORD, REMOTE_ADDR="198.51.100.7") == "ok"


def test_correct_logins_from_one_address_are_never_counted(make_user):
    """A branch behind one address logs in together: forty correct logins in a minute pass."""
    people = [make_user() for _ in range(40)]
    for person in people:
        assert _login(Client(), person.username, PASSWORD) == "ok"


def test_logins_in_flight_do_not_use_up_the_address(make_user):
    """Logins still checking their password do not count against the address's limit."""
    people = [make_user() for _ in range(11)]
    # Ten colleagues' requests are between the limit check and their password hash, as when
    # they press "Log in" at the same moment.
    for person in people[:10]:
        request = RequestFactory().post("/accounts/login/")
        get_adapter(request).pre_authenticate(request, username=person.username)
    assert _login(Client(), people[10].username, PASSWORD) == "ok"


def test_forwarded_for_is_ignored_from_an_untrusted_peer(make_user, settings):
    """Without TRUSTED_PROXIES a forged X-Forwarded-For does not make a new address."""
    settings.TRUSTED_PROXIES = []
    people = [make_user() for _ in range(11)]
    for n, person in enumerate(people[:10]):
        forged = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}
        assert _login(Client(), person.username, "wrong", **forged) == "refused 200"
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    assert _login(Client(), people[10].username, PASSWORD, **forged) == "too many"


def test_forwarded_for_is_read_from_a_trusted_proxy(make_user, settings):
    """Behind our own proxy each client address has its own limit."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    people = [make_user() for _ in range(11)]
    for person in people[:10]:
        via_proxy = {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}
        assert _login(Client(), person.username, "wrong", **via_proxy) == "refused 200"
    assert _login(Client(), people[10].username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1") == (
        "too many"
    )
    assert _login(Client(), people[10].username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2") == (
        "ok"
    )


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "192.0.2.1", "203.0.113.5"),
        ([], "127.0.0.1", "192.0.2.1", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "192.0.2.1", "192.0.2.1"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
        (["127.0.0.1"], "203.0.113.5", "192.0.2.1", "203.0.113.5"),
        # Only the hops our proxies added count; what the client wrote further left is ignored.
        (["127.0.0.1"], "127.0.0.1", "10.9.9.9, 192.0.2.1", "192.0.2.1"),
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "192.0.2.1, 10.1.2.3", "192.0.2.1"),
        (["127.0.0.1"], "127.0.0.1", "garbage, 192.0.2.1", "192.0.2.1"),
        (["127.0.0.1"], "127.0.0.1", "192.0.2.1, garbage", "127.0.0.1"),
        (["::1"], "::1", "[2001:db8::7]:443", "2001:db8::7"),
        (["127.0.0.1"], "127.0.0.1", "192.0.2.1:51000", "192.0.2.1"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    """The client address: the peer, or what our trusted proxies say stands behind them."""
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
