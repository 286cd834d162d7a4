"""Web push: the VAPID keys, the devices people register, and the sender.

How it fits together: a browser that runs Hanse as an installed app (or a tab) subscribes at
its vendor's push service with our VAPID public key and gives us the endpoint and its keys
(views_push.py). When a notification is created with ``push_state="pending"``, the delivery
task calls :func:`send_pending_push`, which encrypts a small JSON payload for each of the
recipient's devices (RFC 8291, through pywebpush) and posts it to the endpoint, signed with our
VAPID key (RFC 8292). The service worker (templates/notifications/sw.js) shows it.

Keys come from the settings ``VAPID_PRIVATE_KEY`` / ``VAPID_PUBLIC_KEY`` (read from the
environment in hanse/settings.py) or, when those are empty, from ``DATA_DIR / "vapid.json"``
written once by ``manage.py hanse_vapid``. ``VAPID_SUBJECT`` is the contact the push services
see (``mailto:`` or ``https:``); without it the address of DEFAULT_FROM_EMAIL is used.

Push is ephemeral: what cannot go out now (quiet hours, no device, no longer visible, older
than the TTL) is skipped, not saved for later; the bell and e-mail still have it.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.errors import ServiceError
from hanse.notifications import registry, selectors
from hanse.notifications.models import (
    DeliverySettings,
    DeliveryState,
    Notification,
    PushSubscription,
)
from hanse.observability import metrics

if TYPE_CHECKING:
    from hanse.people.models import User

logger = logging.getLogger(__name__)

# How long a push service keeps a message for a device that is offline. A notification
# that is older than this is not worth a message any more.
PUSH_TTL_SECONDS = 12 * 60 * 60
# A person rarely has more than a phone, a laptop and a branch PC; past this many devices the
# oldest subscriptions are dropped (browsers that vanished without unsubscribing).
MAX_SUBSCRIPTIONS_PER_USER = 10
MAX_ENDPOINT_LENGTH = 1024
# Push services accept about 4 KB of encrypted payload; these keep well within it.
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 300
REQUEST_TIMEOUT_SECONDS = 10
# The push services of the browsers people use (Chrome/Edge on Android and desktop via
# Google, Firefox, Edge/Windows, Safari). The server posts to whatever endpoint a browser
# registered, so endpoints elsewhere are refused: otherwise anyone signed in could make the
# server send requests into the bank's internal network. Extend with PUSH_SERVICE_HOSTS.
DEFAULT_PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
)
# RFC 8030 Topic: at most 32 characters of the base64url alphabet.
TOPIC_MAX = 32


# --- VAPID keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url of the raw 32-byte P-256 private number
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_file() -> Path:
    return Path(settings.DATA_DIR) / "vapid.json"


def generate_vapid_keys() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(private_key=_b64url(raw), public_key=_public_of(key))


def _public_of(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def _private_key_from(text: str) -> ec.EllipticCurvePrivateKey:
    """A private key as base64url raw (what ``hanse_vapid`` writes), base64 DER or PEM."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        data = _b64url_decode(text.replace("\n", "").replace("+", "-").replace("/", "_"))
        if len(data) == 32:
            key = ec.derive_private_key(int.from_bytes(data, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("The VAPID private key must be a P-256 (secp256r1) key.")
    return key


def keys_from_private(private_key: str) -> VapidKeys:
    """Normalise a configured private key and derive its public key."""
    key = _private_key_from(private_key)
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(private_key=_b64url(raw), public_key=_public_of(key))


def configured_keys() -> VapidKeys | None:
    """The keys from the settings (environment), checked, or None when none are set."""
    private = getattr(settings, "VAPID_PRIVATE_KEY", "") or ""
    public = getattr(settings, "VAPID_PUBLIC_KEY", "") or ""
    if not private:
        return None
    keys = keys_from_private(private)
    if public and public.strip().rstrip("=") != keys.public_key:
        raise ValueError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
    return keys


def read_vapid_file(path: Path | None = None) -> VapidKeys | None:
    path = path or vapid_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    keys = keys_from_private(str(raw["private_key"]))
    if raw.get("public_key") and str(raw["public_key"]).rstrip("=") != keys.public_key:
        raise ValueError(f"The public key in {path} does not belong to its private key.")
    return keys


def write_vapid_file(keys: VapidKeys, path: Path | None = None) -> Path:
    """Write the keys readable by the owner only (0600), atomically: a reader never sees
    half a file, and the key is never on disk with wider permissions."""
    path = path or vapid_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = json.dumps(
        {
            "private_key": keys.private_key,
            "public_key": keys.public_key,
            "created_at": timezone.now().isoformat(),
        },
        indent=2,
    )
    fd, tmp = tempfile.mkstemp(prefix=".vapid-", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def vapid_keys() -> VapidKeys | None:
    """The keys in use: the settings first, else the data directory; None if neither."""
    try:
        return configured_keys() or read_vapid_file()
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        logger.error("Web push is off: the VAPID keys cannot be read (%s).", exc)
        return None


def vapid_subject() -> str:
    subject = getattr(settings, "VAPID_SUBJECT", "") or ""
    if subject:
        return subject
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "hanse@localhost"
    return f"mailto:{address}"


# --- subscriptions ------------------------------------------------------------------------


def _allow_insecure() -> bool:
    return bool(getattr(settings, "PUSH_ALLOW_INSECURE_ENDPOINTS", False))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_allowed(host: str) -> bool:
    hosts = getattr(settings, "PUSH_SERVICE_HOSTS", None) or DEFAULT_PUSH_SERVICE_HOSTS
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)


def endpoint_error(endpoint: str) -> str | None:
    """Why an endpoint is refused (a translated sentence), or None when it is fine."""
    if not endpoint:
        return str(_("The subscription has no endpoint."))
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return str(_("The push endpoint is too long."))
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        return str(_("The push endpoint is not a valid address."))
    if not host or parts.username or parts.password or any(c.isspace() for c in endpoint):
        return str(_("The push endpoint is not a valid address."))
    # Plain http only for a push service on this machine, and only when the settings say so
    # (the tests run one); everything else must be https at a known push service.
    if parts.scheme == "http" and _allow_insecure() and _is_loopback(host):
        return None
    if parts.scheme != "https":
        return str(_("The push endpoint must use https."))
    if not _host_allowed(host):
        return str(_("The push endpoint is not at a known push service."))
    return None


def _key_error(p256dh: str, auth: str) -> str | None:
    try:
        point = _b64url_decode(p256dh) if len(p256dh) <= 128 else b""
        secret = _b64url_decode(auth) if len(auth) <= 64 else b""
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, binascii.Error):
        return str(_("The subscription keys are not valid."))
    if len(point) != 65 or len(secret) != 16:
        return str(_("The subscription keys are not valid."))
    return None


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Register this device for the person's push messages (or refresh its keys)."""
    endpoint, p256dh, auth = endpoint.strip(), p256dh.strip(), auth.strip()
    error = endpoint_error(endpoint) or _key_error(p256dh, auth)
    if error:
        raise ServiceError(error)
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:255],
            },
        )
        stale = list(
            PushSubscription.objects.filter(user=user)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[MAX_SUBSCRIPTIONS_PER_USER:]
        )
        if stale:
            PushSubscription.objects.filter(pk__in=stale).delete()
    return subscription


def push_subscription_refresh(*, user: User, endpoint: str, p256dh: str, auth: str) -> bool:
    """A page load reports the device's current subscription. Keep it only if it is this
    person's; a subscription of someone else (a shared branch PC, the colleague did not log
    out) is removed, so their messages stop appearing on a screen now used by another."""
    endpoint = endpoint.strip()
    with transaction.atomic():
        found = PushSubscription.objects.filter(endpoint=endpoint).first()
        if found is None:
            return False
        if found.user_id != user.pk:
            found.delete()
            return False
    error = endpoint_error(endpoint) or _key_error(p256dh.strip(), auth.strip())
    if error:
        found.delete()
        return False
    if (found.p256dh, found.auth) != (p256dh.strip(), auth.strip()):
        found.p256dh, found.auth = p256dh.strip(), auth.strip()
        found.save(update_fields=["p256dh", "auth"])
    return True


def push_subscription_delete(*, user: User, endpoint: str) -> int:
    """Turn push off for this device; only the person's own subscription is touched."""
    deleted, _by_model = PushSubscription.objects.filter(
        user=user, endpoint=endpoint.strip()
    ).delete()
    return deleted


# --- sending ------------------------------------------------------------------------------


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def payload_for(notification: Notification) -> dict[str, Any]:
    """What the service worker shows, in the recipient's language."""
    text = registry.render_for(notification)
    return {
        "title": _truncate(text.title, MAX_TITLE_CHARS),
        "body": _truncate(text.body, MAX_BODY_CHARS),
        # Through the click-through view, so opening it also marks it read.
        "url": _open_url(notification),
        # A grouped notification keeps its row as it grows ("Anna and 4 others"): the
        # device replaces the earlier message instead of stacking them.
        "tag": f"hanse-notification-{notification.pk}",
    }


def _open_url(notification: Notification) -> str:
    from django.urls import reverse

    return reverse("notifications:open", args=[notification.pk])


class _Outcome:
    SENT = "sent"
    GONE = "gone"  # the subscription no longer exists at the push service
    FAILED = "failed"  # try again later


def _send_one(
    session: requests.Session,
    subscription: PushSubscription,
    data: str,
    keys: VapidKeys,
    topic: str,
) -> str:
    from py_vapid import Vapid02
    from pywebpush import WebPushException, webpush

    if endpoint_error(subscription.endpoint):
        # Stored before the rules (or the settings) changed: never post there.
        return _Outcome.GONE
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=data,
            vapid_private_key=Vapid02.from_raw(keys.private_key.encode()),
            # A fresh dict each time: pywebpush writes "aud" and "exp" into it.
            vapid_claims={"sub": vapid_subject()},
            ttl=PUSH_TTL_SECONDS,
            timeout=REQUEST_TIMEOUT_SECONDS,
            headers={"Urgency": "normal", "Topic": topic},
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.status_code
        if status in (404, 410):
            return _Outcome.GONE
        if status in (400, 413):
            # The push service says this subscription or message can never work.
            logger.warning(
                "Push subscription %s refused with %s; removing it.", subscription.pk, status
            )
            return _Outcome.GONE
        logger.warning("Push to subscription %s failed: %s", subscription.pk, status or exc)
        return _Outcome.FAILED
    except (requests.RequestException, OSError) as exc:
        logger.warning("Push to subscription %s failed: %s", subscription.pk, exc)
        return _Outcome.FAILED
    return _Outcome.SENT


def _claim(notification: Notification, now: Any) -> bool:
    """Take the notification from "pending" so a second worker given the same ids does not
    push it again; a worker killed after this leaves it marked sent (push is ephemeral)."""
    claimed = Notification.objects.filter(
        pk=notification.pk, push_state=DeliveryState.PENDING
    ).update(push_state=DeliveryState.SENT, pushed_at=now)
    return claimed == 1


def _set_state(notification: Notification, state: str, pushed_at: Any) -> None:
    Notification.objects.filter(pk=notification.pk).update(push_state=state, pushed_at=pushed_at)


def _skip(notification: Notification, reason: str) -> None:
    updated = Notification.objects.filter(
        pk=notification.pk, push_state=DeliveryState.PENDING
    ).update(push_state=DeliveryState.SKIPPED)
    if updated:
        logger.info("Push of notification %s skipped: %s.", notification.pk, reason)


def send_pending_push(notification_ids: list[int]) -> int:
    """Push these notifications to their recipients' devices; returns how many went out.

    Only rows still "pending" are touched. Each one is pushed (state "sent"), skipped
    (nothing to send: no device, read meanwhile, no longer visible, quiet hours, too old, or
    push not configured), or left "pending" when every device failed for a passing reason
    (the push service was down), so that calling this again with the same ids retries
    exactly those.
    """
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids, push_state=DeliveryState.PENDING)
        .select_related("recipient", "actor", "post", "comment", "community")
        .order_by("pk")
    )
    if not notifications:
        return 0
    keys = vapid_keys()
    if keys is None:
        for notification in notifications:
            _skip(notification, "no VAPID keys; run manage.py hanse_vapid")
        return 0

    recipient_ids = {n.recipient_id for n in notifications}
    devices: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in=recipient_ids).order_by(
        "created_at", "pk"
    ):
        devices.setdefault(subscription.user_id, []).append(subscription)
    delivery = {d.user_id: d for d in DeliverySettings.objects.filter(user_id__in=recipient_ids)}

    now = timezone.now()
    sent = 0
    gone: set[int] = set()
    with requests.Session() as session:
        for notification in notifications:
            recipient = notification.recipient
            mine = [s for s in devices.get(recipient.pk, []) if s.pk not in gone]
            reason = _reason_to_skip(notification, recipient, mine, delivery, now)
            if reason:
                _skip(notification, reason)
                continue
            if not _claim(notification, now):
                continue  # another worker has it
            data = json.dumps(payload_for(notification), ensure_ascii=False)
            outcomes = {
                s.pk: _send_one(session, s, data, keys, topic=f"n{notification.pk}"[:TOPIC_MAX])
                for s in mine
            }
            for outcome in outcomes.values():
                metrics.deliveries.labels("push", outcome).inc()
            reached = [pk for pk, outcome in outcomes.items() if outcome == _Outcome.SENT]
            gone.update(pk for pk, outcome in outcomes.items() if outcome == _Outcome.GONE)
            if reached:
                sent += 1
                PushSubscription.objects.filter(pk__in=reached).update(last_pushed_at=now)
            elif _Outcome.FAILED in outcomes.values():
                _set_state(notification, DeliveryState.PENDING, None)
            else:
                _set_state(notification, DeliveryState.SKIPPED, None)
    if gone:
        # 404/410: the person unsubscribed in the browser or the subscription expired.
        PushSubscription.objects.filter(pk__in=gone).delete()
    return sent


def _reason_to_skip(
    notification: Notification,
    recipient: User,
    subscriptions: list[PushSubscription],
    delivery: dict[int, DeliverySettings],
    now: Any,
) -> str:
    if not subscriptions:
        return "no device"
    if notification.read_at is not None:
        return "already read"
    if now - notification.updated_at > timedelta(seconds=PUSH_TTL_SECONDS):
        return "too old"
    try:
        ntype = registry.get(notification.type)
    except LookupError:
        return "unknown type"
    # Visibility is checked again at sending: someone who left the community since, or a
    # post made private, must not show up on a lock screen.
    if not ntype.can_see(recipient, notification):
        return "no longer visible"
    person = delivery.get(recipient.pk) or DeliverySettings(user=recipient)
    if selectors.is_quiet_time(settings=person, at=now):
        # Push is ephemeral: a message at 7 in the morning about last night is noise.
        return "quiet hours"
    return ""
