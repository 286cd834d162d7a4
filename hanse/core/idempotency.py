"""Idempotency keys: a create that is retried (a lost response, a double submit, a browser
that sends the form again) makes one object, and the retry gets the first one back.

The API reads an ``Idempotency-Key`` header, the forms a hidden ``idempotency_key`` field
filled with a fresh uuid4 each time the form is rendered. A service that creates calls
``claim`` first inside its transaction and ``record`` once the object exists: the key and the
object commit together, or neither does.

``claim`` inserts the key row before anything is created, so a twin request running at the
same moment waits on the unique index (PostgreSQL) or the write lock (SQLite) until the first
commits, then finds the key taken and returns the first object's id. Keys are per person and
kind (``scope``) and live 24 hours (the cleanup job in hanse/core/jobs.py).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from hanse.core.errors import ServiceError
from hanse.core.models import IdempotencyKey

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hanse.people.models import User

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
KEY_MAX = 100
KEEP = timedelta(hours=24)


def new_key() -> str:
    """The key a rendered form carries in its hidden field."""
    return uuid.uuid4().hex


def clean_key(value: str | None) -> str | None:
    """The key as given (None when there is none); refuses one that is too long."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > KEY_MAX or not value.isprintable():
        raise ServiceError(
            _("The Idempotency-Key must be at most 100 printable characters."),
            code="invalid_idempotency_key",
        )
    return value


def from_request(request: HttpRequest) -> str | None:
    """The key of an API request (header) or a form post (hidden field), unchecked."""
    return request.headers.get(HEADER) or request.POST.get(FORM_FIELD) or None


def claim(*, user: User, scope: str, key: str | None) -> int | None:
    """Call inside the creating transaction, before the object is made. None when this is the
    first request with the key (create, then ``record``), else the first request's object id."""
    key = clean_key(key)
    if key is None:
        return None
    mine = IdempotencyKey.objects.filter(user=user, scope=scope, key=key)
    # An expired key not yet swept is free again.
    mine.filter(created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(user=user, scope=scope, key=key)
    except IntegrityError:
        earlier = mine.values_list("object_id", flat=True).first()
        if earlier is None:
            raise ServiceError(
                _("A request with this key is still being processed."),
                code="idempotency_conflict",
                status=409,
            ) from None
        return int(earlier)
    return None


def record(*, user: User, scope: str, key: str | None, object_id: int) -> None:
    """Remember what the request that claimed ``key`` created (same transaction)."""
    key = clean_key(key)
    if key is not None:
        IdempotencyKey.objects.filter(user=user, scope=scope, key=key).update(object_id=object_id)


@task()
def delete_expired_keys() -> int:
    """Forget keys older than 24 hours (scheduled in hanse/core/jobs.py)."""
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
