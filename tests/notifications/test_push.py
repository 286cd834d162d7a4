"""Web push: VAPID keys, device subscriptions, the sender against a real HTTP push service,
and the installable app's service worker and manifest."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from py_vapid import Vapid02

from hanse.communities.models import Community
from hanse.notifications import push
from hanse.notifications.models import DeliverySettings, Notification, PushSubscription
from hanse.people.models import User
from hanse.posts.models import Post

FCM = "https://fcm.googleapis.com/fcm/send/"
UNKNOWN_SERVICE = "The push endpoint is not at a known push service."


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Device:
    """A browser's push keys: the P-256 key pair and the auth secret (RFC 8291)."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return _b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return _b64url(self.auth_secret)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        return {"endpoint": endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService:
    """A push service on 127.0.0.1: records every request, answers 201 unless told else."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.status: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                service.requests.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def vapid(settings: Any, tmp_path: Any) -> push.VapidKeys:
    keys = push.generate_vapid_keys()
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = keys.private_key
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:it-betrieb@example.org"
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    return keys


@pytest.fixture
def no_vapid_settings(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path / "data"
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_PUBLIC_KEY = ""
    return settings


def _awake(user: User) -> None:
    """No quiet hours, so that the tests do not depend on the time they run at."""
    DeliverySettings.objects.update_or_create(
        user=user, defaults={"quiet_hours_start": None, "quiet_hours_end": None}
    )


@pytest.fixture
def mention(people: dict[str, Any], make_post: Callable[..., Post]) -> Callable[..., Notification]:
    """A pending push notification: Ben mentioned the recipient in a post."""

    def make(recipient: User, post: Post | None = None) -> Notification:
        post = post or make_post(people["ben"], body="Hallo @anna, schau mal hier")
        return Notification.objects.create(
            recipient=recipient,
            type="mention",
            actor=people["ben"],
            post=post,
            community=post.community,
            push_state="pending",
        )

    return make


def _subscribe(user: User, device: Device, endpoint: str) -> PushSubscription:
    return push.push_subscription_save(
        user=user, endpoint=endpoint, p256dh=device.p256dh, auth=device.auth
    )


# --- VAPID keys ---------------------------------------------------------------------------


def test_vapid_command_creates_keys_once_readable_by_owner_only(no_vapid_settings: Any) -> None:
    """hanse_vapid writes vapid.json with mode 0600 and keeps it on the next run."""
    out = StringIO()
    call_command("hanse_vapid", stdout=out)
    path = no_vapid_settings.DATA_DIR / "vapid.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = json.loads(path.read_text())
    keys = push.vapid_keys()
    assert keys is not None
    assert keys.public_key == first["public_key"]
    assert f"Public key: {keys.public_key}" in out.getvalue()
    assert len(base64.urlsafe_b64decode(keys.public_key + "==")) == 65

    call_command("hanse_vapid", stdout=StringIO())
    assert json.loads(path.read_text()) == first
    assert list(path.parent.iterdir()) == [path]


def test_vapid_command_restricts_a_loose_file(no_vapid_settings: Any) -> None:
    """An existing key file readable by others is narrowed to 0600, its keys kept."""
    call_command("hanse_vapid", stdout=StringIO())
    path = no_vapid_settings.DATA_DIR / "vapid.json"
    before = path.read_text()
    os.chmod(path, 0o644)
    call_command("hanse_vapid", stdout=StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == before


def test_vapid_command_leaves_configured_keys_alone(no_vapid_settings: Any) -> None:
    """With VAPID_PRIVATE_KEY set nothing is written, and the settings' keys are used."""
    keys = push.generate_vapid_keys()
    no_vapid_settings.VAPID_PRIVATE_KEY = keys.private_key
    out = StringIO()
    call_command("hanse_vapid", stdout=out)
    assert not (no_vapid_settings.DATA_DIR / "vapid.json").exists()
    assert "nothing to do" in out.getvalue()
    assert push.vapid_keys() == keys


def test_vapid_command_refuses_mismatched_public_key(no_vapid_settings: Any) -> None:
    """A public key that does not belong to the private key is an error."""
    no_vapid_settings.VAPID_PRIVATE_KEY = push.generate_vapid_keys().private_key
    no_vapid_settings.VAPID_PUBLIC_KEY = push.generate_vapid_keys().public_key
    with pytest.raises(CommandError, match="VAPID_PUBLIC_KEY does not belong"):
        call_command("hanse_vapid", stdout=StringIO())


def test_vapid_command_never_overwrites_a_broken_file(no_vapid_settings: Any) -> None:
    """A damaged key file is reported, not replaced (that would end all subscriptions)."""
    path = no_vapid_settings.DATA_DIR / "vapid.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(CommandError, match="exists but cannot be read"):
        call_command("hanse_vapid", stdout=StringIO())
    assert path.read_text() == "{not json"


def test_public_key_endpoint(client_for: Callable[..., Client], user: User, vapid: Any) -> None:
    """The settings page's script gets the key the browser subscribes with."""
    response = client_for(user).get(reverse("notifications:push_key"))
    assert response.status_code == 200
    assert response.json() == {"publicKey": vapid.public_key}


def test_public_key_endpoint_without_keys(
    client_for: Callable[..., Client], user: User, no_vapid_settings: Any
) -> None:
    """Without keys the server says push is not set up."""
    response = client_for(user).get(reverse("notifications:push_key"))
    assert response.status_code == 503
    assert response.json() == {"error": "Push notifications are not set up on this server."}


# --- subscribing --------------------------------------------------------------------------


def _post_json(client: Client, name: str, data: Any, **extra: Any) -> Any:
    return client.post(
        reverse(name),
        data=json.dumps(data) if not isinstance(data, bytes) else data,
        content_type="application/json",
        **extra,
    )


def test_subscribe_stores_the_device(client_for: Callable[..., Client], user: User) -> None:
    """A browser's subscription is stored for the signed-in person."""
    device = Device()
    response = _post_json(
        client_for(user),
        "notifications:push_subscribe",
        device.subscription(FCM + "abc123"),
        HTTP_USER_AGENT="Mozilla/5.0 (Android 14) Chrome/130",
    )
    assert response.status_code == 201
    assert response.json() == {"subscribed": True}
    subscription = PushSubscription.objects.get()
    assert subscription.user == user
    assert subscription.endpoint == FCM + "abc123"
    assert (subscription.p256dh, subscription.auth) == (device.p256dh, device.auth)
    assert subscription.user_agent == "Mozilla/5.0 (Android 14) Chrome/130"


def test_subscribe_requires_sign_in(client_for: Callable[..., Client], db: None) -> None:
    """Anonymous requests go to the login page and store nothing."""
    response = _post_json(
        client_for(None), "notifications:push_subscribe", Device().subscription(FCM + "x")
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not PushSubscription.objects.exists()


def test_subscribe_requires_csrf_token(user: User) -> None:
    """Without the CSRF token the request is refused; with it, it works."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = Device().subscription(FCM + "abc")
    assert _post_json(client, "notifications:push_subscribe", body).status_code == 403
    assert not PushSubscription.objects.exists()

    client.get(reverse("notifications:preferences"))
    token = client.cookies["csrftoken"].value
    response = _post_json(client, "notifications:push_subscribe", body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
    assert PushSubscription.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("", "The subscription has no endpoint."),
        ("http://fcm.googleapis.com/fcm/send/abc", "The push endpoint must use https."),
        ("http://127.0.0.1:9/push/1", "The push endpoint must use https."),
        ("ftp://fcm.googleapis.com/x", "The push endpoint must use https."),
        ("https://intranet.sparkasse.local/admin", UNKNOWN_SERVICE),
        ("https://fcm.googleapis.com.evil.example/x", UNKNOWN_SERVICE),
        ("https://user:pw@fcm.googleapis.com/x", "The push endpoint is not a valid address."),
        ("https://fcm.googleapis.com:port/x", "The push endpoint is not a valid address."),
        ("https:///nohost", "The push endpoint is not a valid address."),
        (FCM + "a" * 1024, "The push endpoint is too long."),
    ],
)  # fmt: skip
def test_subscribe_validates_the_endpoint(
    client_for: Callable[..., Client], user: User, endpoint: str, message: str
) -> None:
    """Only https endpoints at known push services, of sane length, are accepted."""
    response = _post_json(
        client_for(user), "notifications:push_subscribe", Device().subscription(endpoint)
    )
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not PushSubscription.objects.exists()


def test_subscribe_accepts_the_browsers_push_services(
    client_for: Callable[..., Client], user: User
) -> None:
    """Endpoints of Chrome, Firefox, Edge and Safari are accepted."""
    client = client_for(user)
    for endpoint in (
        FCM + "d1",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
        "https://wns2-db5p.notify.windows.com/w/?token=BQYAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
    ):
        response = _post_json(
            client, "notifications:push_subscribe", Device().subscription(endpoint)
        )
        assert response.status_code == 201, endpoint
    assert PushSubscription.objects.filter(user=user).count() == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "The subscription is not valid JSON."),
        (b"[1, 2]", "The subscription is not valid JSON."),
        (b"{" + b" " * 5000 + b"}", "The subscription is too large."),
        ({"endpoint": FCM + "x", "keys": {"p256dh": "abc", "auth": "abc"}},
         "The subscription keys are not valid."),
        ({"endpoint": FCM + "x"}, "The subscription keys are not valid."),
        ({"endpoint": FCM + "x", "keys": {"p256dh": _b64url(b"\x04" + b"\x01" * 64),
                                          "auth": _b64url(b"1" * 16)}},
         "The subscription keys are not valid."),
    ],
)  # fmt: skip
def test_subscribe_validates_the_body(
    client_for: Callable[..., Client], user: User, body: Any, message: str
) -> None:
    """Malformed bodies and keys that are not a P-256 point and 16-byte secret are refused."""
    response = _post_json(client_for(user), "notifications:push_subscribe", body)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not PushSubscription.objects.exists()


def test_subscribe_by_another_person_moves_the_device(
    client_for: Callable[..., Client], people: dict[str, Any]
) -> None:
    """On a shared PC the endpoint belongs to whoever turned push on last."""
    device = Device()
    _subscribe(people["anna"], device, FCM + "shared-pc")
    body = device.subscription(FCM + "shared-pc")
    response = _post_json(client_for(people["ben"]), "notifications:push_subscribe", body)
    assert response.status_code == 201
    assert PushSubscription.objects.get().user == people["ben"]


def test_sync_keeps_own_and_drops_a_colleagues_subscription(
    client_for: Callable[..., Client], people: dict[str, Any]
) -> None:
    """A page load's check confirms one's own device and removes a colleague's from it."""
    device = Device()
    _subscribe(people["anna"], device, FCM + "shared-pc")
    body = {**device.subscription(FCM + "shared-pc"), "sync": True}

    own = _post_json(client_for(people["anna"]), "notifications:push_subscribe", body)
    assert own.json() == {"subscribed": True}
    assert PushSubscription.objects.filter(user=people["anna"]).exists()

    other = _post_json(client_for(people["ben"]), "notifications:push_subscribe", body)
    assert other.status_code == 200
    assert other.json() == {"subscribed": False}
    assert not PushSubscription.objects.exists()


def test_unsubscribe_removes_only_own_device(
    client_for: Callable[..., Client], people: dict[str, Any]
) -> None:
    """Unsubscribing deletes the person's subscription and never someone else's."""
    _subscribe(people["anna"], Device(), FCM + "anna")
    _subscribe(people["ben"], Device(), FCM + "ben")

    refused = _post_json(
        client_for(people["ben"]), "notifications:push_unsubscribe", {"endpoint": FCM + "anna"}
    )
    assert refused.json() == {"subscribed": False, "removed": 0}
    response = _post_json(
        client_for(people["anna"]), "notifications:push_unsubscribe", {"endpoint": FCM + "anna"}
    )
    assert response.status_code == 200
    assert response.json() == {"subscribed": False, "removed": 1}
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [FCM + "ben"]


def test_unsubscribe_requires_sign_in(client_for: Callable[..., Client], user: User) -> None:
    """Anonymous requests cannot remove a subscription."""
    _subscribe(user, Device(), FCM + "anna")
    response = _post_json(
        client_for(None), "notifications:push_unsubscribe", {"endpoint": FCM + "anna"}
    )
    assert response.status_code == 302
    assert PushSubscription.objects.count() == 1


def test_subscription_endpoints_accept_post_only(
    client_for: Callable[..., Client], user: User
) -> None:
    """GET on the subscribe and unsubscribe endpoints is not allowed."""
    client = client_for(user)
    assert client.get(reverse("notifications:push_subscribe")).status_code == 405
    assert client.get(reverse("notifications:push_unsubscribe")).status_code == 405


def test_old_devices_are_dropped_past_the_limit(user: User) -> None:
    """A person keeps at most MAX_SUBSCRIPTIONS_PER_USER devices; the oldest go first."""
    start = timezone.now() - timedelta(days=30)
    for n in range(push.MAX_SUBSCRIPTIONS_PER_USER):
        sub = _subscribe(user, Device(), FCM + f"old{n}")
        PushSubscription.objects.filter(pk=sub.pk).update(created_at=start + timedelta(days=n))
    _subscribe(user, Device(), FCM + "new")
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert len(endpoints) == push.MAX_SUBSCRIPTIONS_PER_USER
    assert FCM + "old0" not in endpoints
    assert FCM + "new" in endpoints


# --- sending ------------------------------------------------------------------------------


def test_send_pending_push_delivers_encrypted_signed_message(
    push_service: PushService,
    vapid: push.VapidKeys,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """The push service receives an aes128gcm body only the device can read, with TTL and
    a VAPID signature by our key; the notification is marked pushed."""
    anna = people["anna"]
    _awake(anna)
    device = Device()
    subscription = _subscribe(anna, device, push_service.url("/push/anna-phone"))
    notification = mention(anna)

    assert push.send_pending_push([notification.pk]) == 1

    assert len(push_service.requests) == 1
    request = push_service.requests[0]
    assert request.path == "/push/anna-phone"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == str(push.PUSH_TTL_SECONDS)
    assert request.headers["topic"] == f"n{notification.pk}"
    assert b"Ben" not in request.body
    assert device.decrypt(request.body) == {
        "title": "Ben Meyer mentioned you in a post",
        "body": "Hallo @anna, schau mal hier",
        "url": reverse("notifications:open", args=[notification.pk]),
        "tag": f"hanse-notification-{notification.pk}",
    }
    authorization = request.headers["authorization"]
    assert authorization.startswith("vapid t=")
    assert f",k={vapid.public_key}" in authorization
    assert Vapid02.verify(authorization)
    claims_part = authorization.split("t=", 1)[1].split(",", 1)[0].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(claims_part + "=="))
    assert claims["aud"] == f"http://127.0.0.1:{push_service.port}"
    assert claims["sub"] == "mailto:it-betrieb@example.org"

    notification.refresh_from_db()
    assert notification.push_state == "sent"
    assert notification.pushed_at is not None
    subscription.refresh_from_db()
    assert subscription.last_pushed_at == notification.pushed_at

    # Idempotent: the same ids again send nothing.
    assert push.send_pending_push([notification.pk]) == 0
    assert len(push_service.requests) == 1


def test_send_in_the_recipients_language(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """The message is rendered in the recipient's own language, whatever is active."""
    anna = people["anna"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    _awake(anna)
    device = Device()
    _subscribe(anna, device, push_service.url("/push/de"))
    notification = mention(anna)
    assert push.send_pending_push([notification.pk]) == 1
    title = device.decrypt(push_service.requests[0].body)["title"]
    from django.utils import translation

    with translation.override("de"):
        from django.utils.translation import gettext

        expected = gettext("%(name)s mentioned you in a post") % {"name": "Ben Meyer"}
    assert title == expected


def test_gone_subscription_is_removed(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """A 410 from the push service removes that device; others still get the message."""
    anna = people["anna"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/old-laptop"))
    _subscribe(anna, Device(), push_service.url("/push/phone"))
    push_service.status["/push/old-laptop"] = 410
    notification = mention(anna)

    assert push.send_pending_push([notification.pk]) == 1
    assert sorted(r.path for r in push_service.requests) == ["/push/old-laptop", "/push/phone"]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.url("/push/phone")
    ]
    notification.refresh_from_db()
    assert notification.push_state == "sent"


def test_only_gone_subscriptions_mean_skipped(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """When every device answers 404 or 410, they are removed and the push is skipped."""
    anna = people["anna"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    push_service.status["/push/a"] = 404
    notification = mention(anna)
    assert push.send_pending_push([notification.pk]) == 0
    assert not PushSubscription.objects.exists()
    notification.refresh_from_db()
    assert (notification.push_state, notification.pushed_at) == ("skipped", None)


def test_push_service_failure_leaves_it_pending_for_a_retry(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """A 500 keeps the device and the notification pending; the next call delivers it."""
    anna = people["anna"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    push_service.status["/push/a"] = 503
    notification = mention(anna)

    assert push.send_pending_push([notification.pk]) == 0
    notification.refresh_from_db()
    assert (notification.push_state, notification.pushed_at) == ("pending", None)
    assert PushSubscription.objects.count() == 1

    push_service.status["/push/a"] = 201
    assert push.send_pending_push([notification.pk]) == 1
    notification.refresh_from_db()
    assert notification.push_state == "sent"
    assert len(push_service.requests) == 2


def test_invisible_notification_is_not_pushed(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    make_community: Callable[..., Community],
    make_post: Callable[..., Post],
    mention: Callable[..., Notification],
) -> None:
    """A notification about a post the recipient can no longer see goes nowhere."""
    anna, ben = people["anna"], people["ben"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    secret = make_community(Community.Kind.SECRET, owner=ben, name="Vorstandsklausur")
    notification = mention(anna, post=make_post(ben, body="Geheim", community=secret))

    assert push.send_pending_push([notification.pk]) == 0
    assert push_service.requests == []
    notification.refresh_from_db()
    assert (notification.push_state, notification.pushed_at) == ("skipped", None)


def test_quiet_hours_skip_the_push(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """In the recipient's quiet hours nothing is sent, and it is not kept for later."""
    anna = people["anna"]
    local = timezone.now().astimezone(ZoneInfo("Europe/Berlin"))
    DeliverySettings.objects.create(
        user=anna,
        quiet_hours_start=(local - timedelta(hours=1)).time(),
        quiet_hours_end=(local + timedelta(hours=1)).time(),
        timezone="Europe/Berlin",
    )
    _subscribe(anna, Device(), push_service.url("/push/a"))
    notification = mention(anna)

    assert push.send_pending_push([notification.pk]) == 0
    assert push_service.requests == []
    notification.refresh_from_db()
    assert notification.push_state == "skipped"


def test_read_old_or_deviceless_notifications_are_skipped(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """Already read, older than the TTL, or no device: skipped without a request."""
    anna, cem = people["anna"], people["cem"]
    _awake(anna)
    _awake(cem)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    read = mention(anna)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    old = mention(anna)
    Notification.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(seconds=push.PUSH_TTL_SECONDS + 60)
    )
    deviceless = mention(cem)
    not_pending = mention(anna)
    Notification.objects.filter(pk=not_pending.pk).update(push_state="none")

    ids = [read.pk, old.pk, deviceless.pk, not_pending.pk]
    assert push.send_pending_push(ids) == 0
    assert push_service.requests == []
    states = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "push_state"))
    assert states == {
        read.pk: "skipped",
        old.pk: "skipped",
        deviceless.pk: "skipped",
        not_pending.pk: "none",
    }


def test_without_vapid_keys_nothing_is_sent(
    push_service: PushService,
    no_vapid_settings: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """Push that is not set up skips the notifications instead of failing the task."""
    no_vapid_settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    anna = people["anna"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    notification = mention(anna)
    assert push.send_pending_push([notification.pk]) == 0
    assert push_service.requests == []
    notification.refresh_from_db()
    assert notification.push_state == "skipped"


def test_endpoint_stored_before_rules_tightened_is_never_posted_to(
    push_service: PushService,
    vapid: Any,
    settings: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
) -> None:
    """A stored endpoint that the rules no longer allow is removed, not posted to."""
    anna = people["anna"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = False
    notification = mention(anna)
    assert push.send_pending_push([notification.pk]) == 0
    assert push_service.requests == []
    assert not PushSubscription.objects.exists()


def test_send_batch_query_count(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
    django_assert_max_num_queries: Any,
) -> None:
    """Devices and delivery settings are read once per batch, not once per notification."""
    recipients = [people["anna"], people["cem"], people["dora"]]
    for person in recipients:
        _awake(person)
        _subscribe(person, Device(), push_service.url(f"/push/{person.pk}"))
    ids = [mention(person).pk for person in recipients]
    # 3 for the batch, then per notification: visibility (1), claim (1), last_pushed_at (1).
    with django_assert_max_num_queries(3 + 3 * len(ids)):
        assert push.send_pending_push(ids) == 3
    assert len(push_service.requests) == 3


# --- the installable app ------------------------------------------------------------------


def test_service_worker_is_served_from_the_root(
    client_for: Callable[..., Client], db: None
) -> None:
    """/sw.js is JavaScript, may control the whole site, is not cached, needs no login."""
    response = client_for(None).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'addEventListener("push"' in body
    assert 'addEventListener("notificationclick"' in body
    assert 'addEventListener("fetch"' not in body
    assert "/static/notifications/icon-192.png" in body
    assert client_for(None).post("/sw.js").status_code == 405


def test_manifest_is_valid_with_existing_icons(client_for: Callable[..., Client], db: None) -> None:
    """The manifest is JSON with the right type, and every icon exists in its stated size."""
    response = client_for(None).get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Hanse"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#17406d"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon["src"]
        with Image.open(found) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_preferences_page_offers_push_on_this_device(
    client_for: Callable[..., Client], user: User
) -> None:
    """The settings page has the enable and disable buttons and loads the push script."""
    response = client_for(user).get(reverse("notifications:preferences"))
    content = response.content.decode()
    assert "Enable push notifications on this device" in content
    assert "Disable push notifications on this device" in content
    assert "/static/notifications/push.js" in content
    assert finders.find("notifications/push.js")


def test_push_failing_every_attempt_is_marked_failed_and_can_be_sent_again(
    push_service: PushService,
    vapid: Any,
    people: dict[str, Any],
    mention: Callable[..., Notification],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The last failed attempt leaves "failed" (listed in the admin), not "skipped"; sent
    again on purpose once the push service is back, it arrives."""
    from hanse.notifications import delivery

    anna = people["anna"]
    _awake(anna)
    _subscribe(anna, Device(), push_service.url("/push/a"))
    push_service.status["/push/a"] = 503
    notification = mention(anna)
    delivery.deliver_push.call([notification.pk], attempt=delivery.MAX_ATTEMPTS)
    notification.refresh_from_db()
    assert notification.push_state == "failed"

    push_service.status["/push/a"] = 201
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.push_resend(notification_ids=[notification.pk], by=people["ben"]) == 1
    notification.refresh_from_db()
    assert notification.push_state == "sent"
    assert len(push_service.requests) == 2
