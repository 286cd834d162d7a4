"""Erasure of a person (GDPR Art. 17), by policy: pseudonymise (the content stays, shown as
"former employee") or delete (the person's content goes).

Every app that stores something about a person registers an ``erase`` step next to its
exporter (``<app>/personal_data.py``, hanse/core/personal_data.py). An erasure:

1. is asked for by a platform administrator (the page, hanse/privacy/views.py) or the command
   ``hanse_erase_person``: the account is deactivated at once (sessions end, WebSockets close,
   API tokens are revoked: ``person_deactivate``), an ``Erasure`` row marks it in progress and
   the audit log records who asked, the person's internal id and the policy;
2. runs in the task queue: a pseudonymous account ("former employee", a new id) is made, then
   each app's step runs in its own transaction that also records the step as done, so a crash
   leaves no step half-done and a rerun resumes after the last finished one;
3. ends with one transaction that deletes the account (what cascades from it goes, with its
   stored files) and marks the erasure done; after the commit the caches forget the person.

The audit log is never rewritten (its hash chain is the point): its entries keep the internal
id, a legal obligation (Art. 17(3)(b)); after the erasure that id names no one.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from hanse.audit.services import record
from hanse.core import cache_scrub, personal_data
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.rules import is_platform_admin
from hanse.identity.services import person_deactivate
from hanse.jobs.models import OutboxEvent
from hanse.jobs.outbox import enqueue_on_commit, flush_batched, relay, relay_after
from hanse.privacy.models import Erasure

logger = logging.getLogger(__name__)

ACCOUNT_STEP = "account"
IN_PROGRESS = _("An erasure of this person is already under way.")


# What the counts of the steps are called on the pages (the keys the apps' steps return).
KIND_LABELS = {
    "announcements": _("announcements"),
    "compliance_list_views": _("views of named must-read lists"),
    "posts": _("posts"),
    "comments": _("comments"),
    "attachments": _("attached files"),
    "reactions": _("reactions"),
    "messages": _("chat messages"),
    "direct_conversations": _("direct conversations"),
    "events": _("events organised"),
    "pages": _("wiki pages"),
    "images": _("wiki images"),
    "revisions": _("wiki revisions"),
    "file_versions": _("library file versions"),
    "ideas": _("ideas"),
    "experiments": _("experiments"),
    "experiment_updates": _("experiment updates"),
    "files": _("files"),
    "proposals": _("proposals"),
    "responses": _("responses to proposals"),
    "poll_votes": _("poll votes"),
    "answer_votes": _("answer votes"),
    "praise_given": _("praise given"),
    "townhall_questions": _("town hall questions"),
    "townhall_upvotes": _("town hall upvotes"),
    "reports_made": _("reports made"),
    "reports_about_person": _("reports about the person"),
    "friend_circles": _("friend circles started"),
    "connector_stories": _("Connector stories"),
    "notifications_caused": _("notifications caused"),
    "sessions": _("sessions"),
    "interaction_edges": _("analytics interaction records"),
    "missed_searches": _("searches without results"),
    "guest_invitations": _("guest invitations"),
    "saved_searches": _("saved searches"),
    "index_documents": _("search index entries"),
    "rows": _("rows of the account"),
    "ownership_passed_on": _("communities handed to a new owner"),
    "left_without_owner": _("communities left without an owner"),
}


def labelled(counts: dict[str, dict[str, int]]) -> list[tuple[Any, list[tuple[Any, int]]]]:
    """The counts for a page: (app label, [(kind label, count)])."""
    labels = {e.key: e.label for e in personal_data.all_exporters()}
    labels[ACCOUNT_STEP] = _("The account")
    return [
        (labels.get(key, key), [(KIND_LABELS.get(k, k), n) for k, n in kinds.items()])
        for key, kinds in counts.items()
        if kinds
    ]


class _DryRun(Exception):
    """Raised inside the preview's transaction to roll it back."""


def needles_of(user: Any) -> tuple[str, ...]:
    """What names the person in free text: full name, username, e-mail."""
    full = f"{user.first_name} {user.last_name}".strip()
    return tuple(n for n in (full, user.username, user.email) if n and len(n) >= 3)


def _target(user_id: int) -> tuple[str, int]:
    return ("people.user", user_id)


def _pseudonym() -> Any:
    """A new account for the content that stays: no name, no e-mail of anyone, no sign-in."""
    token = secrets.token_hex(6)
    pseudonym = get_user_model()(
        username=f"former-{token}",
        email=f"former-{token}@former.invalid",
        is_active=False,
        is_former=True,
    )
    pseudonym.set_unusable_password()
    pseudonym.save()
    return pseudonym


def _steps() -> list[tuple[str, Any]]:
    return [(e.key, e.erase) for e in personal_data.all_erasers()]


def _run_steps(user: Any, context: personal_data.Erasure) -> dict[str, dict[str, int]]:
    return {key: erase(user, context) for key, erase in _steps()}


def erasure_preview(*, user: Any, policy: str) -> dict[str, dict[str, int]]:
    """What an erasure would do, per app and kind: every step runs in one transaction that is
    then rolled back (files and caches are touched only after a commit, so nothing changes)."""
    if policy not in personal_data.POLICIES:
        raise ServiceError(_("Unknown erasure policy."), code="bad_policy")
    counts: dict[str, dict[str, int]] = {}
    try:
        with transaction.atomic():
            context = personal_data.Erasure(
                policy=policy, pseudonym=_pseudonym(), needles=needles_of(user)
            )
            counts = _run_steps(user, context)
            raise _DryRun
    except _DryRun:
        pass
    return {key: {k: v for k, v in c.items() if v} for key, c in counts.items() if any(c.values())}


def erasure_request(
    *,
    user: Any,
    by: Any,
    policy: str,
    request: HttpRequest | None = None,
    queue: bool = True,
) -> Erasure:
    """Deactivate the person now and queue the erasure (``by`` is None for the command,
    which runs it itself: ``queue=False``)."""
    if by is not None and not is_platform_admin(by):
        raise PermissionRefused(_("Only platform administrators can erase a person."))
    if policy not in personal_data.POLICIES:
        raise ServiceError(_("Unknown erasure policy."), code="bad_policy")
    if getattr(user, "is_former", False):
        raise ServiceError(_("This account holds erased content already."), code="former")
    if by is not None and by.pk == user.pk:
        raise ServiceError(_("You cannot erase your own account here."), code="self")
    if Erasure.objects.filter(user=user).exclude(status=Erasure.Status.DONE).exists():
        raise ServiceError(IN_PROGRESS, code="erasure_in_progress", status=409)
    try:
        with transaction.atomic():
            erasure = Erasure.objects.create(user=user, policy=policy, requested_by=by)
            person_deactivate(user=user, actor=by, reason="erasure", request=request)
            record(
                "privacy.erasure_requested",
                actor=by,
                target=_target(user.pk),
                request=request,
                data={"policy": policy, "erasure_id": erasure.pk},
            )
            if queue:
                enqueue_on_commit(run_erasure, erasure.pk)
    except IntegrityError:
        raise ServiceError(IN_PROGRESS, code="erasure_in_progress", status=409) from None
    return erasure


def erasure_run(erasure_id: int) -> str:
    """Run (or resume) one erasure; safe to call again at any point."""
    erasure = Erasure.objects.filter(pk=erasure_id).first()
    if erasure is None or erasure.status == Erasure.Status.DONE:
        return "skipped"
    if erasure.user_id is None:  # pragma: no cover - the last step clears both at once
        return "skipped"
    Erasure.objects.filter(pk=erasure_id).update(
        status=Erasure.Status.RUNNING, started_at=erasure.started_at or timezone.now(), error=""
    )
    try:
        _run(erasure_id)
    except Exception as exc:
        logger.exception("Erasure %s stopped; a rerun resumes it", erasure_id)
        Erasure.objects.filter(pk=erasure_id).update(
            status=Erasure.Status.FAILED, error=type(exc).__name__[:300]
        )
        raise
    return "done"


@task()
def run_erasure(erasure_id: int) -> str:
    """The task: erase one person; a second delivery resumes or skips."""
    return erasure_run(erasure_id)


def _locked(erasure_id: int) -> Erasure:
    return (
        Erasure.objects.select_for_update(of=("self",))
        .select_related("user", "pseudonym")
        .get(pk=erasure_id)
    )


def _run(erasure_id: int) -> None:
    with transaction.atomic():
        erasure = _locked(erasure_id)
        if erasure.pseudonym_id is None:
            erasure.pseudonym = _pseudonym()
            erasure.save(update_fields=["pseudonym"])
    for key, erase in _steps():
        with transaction.atomic():
            erasure = _locked(erasure_id)
            if erasure.status == Erasure.Status.DONE or key in erasure.steps_done:
                continue
            user = erasure.user
            context = personal_data.Erasure(
                policy=erasure.policy,
                pseudonym=erasure.pseudonym,
                needles=needles_of(user),
                requested_by=erasure.requested_by,
            )
            counts = erase(user, context)
            erasure.steps_done = [*erasure.steps_done, key]
            erasure.counts = {**erasure.counts, key: {k: v for k, v in counts.items() if v}}
            erasure.save(update_fields=["steps_done", "counts"])
    with transaction.atomic():
        erasure = _locked(erasure_id)
        if erasure.status == Erasure.Status.DONE or erasure.user is None:
            return
        user = erasure.user
        user_id, needles = user.pk, needles_of(user)
        # The account and everything that cascades from it (settings, memberships, follows,
        # notifications received, sessions, tokens, exports...), with their stored files.
        gone = personal_data.delete_rows(get_user_model().objects.filter(pk=user_id))
        erasure.counts = {**erasure.counts, ACCOUNT_STEP: {"rows": gone}}
        erasure.steps_done = [*erasure.steps_done, ACCOUNT_STEP]
        erasure.status = Erasure.Status.DONE
        erasure.finished_at = timezone.now()
        erasure.user = None
        erasure.save(update_fields=["counts", "steps_done", "status", "finished_at", "user"])
        record(
            "privacy.erasure_completed",
            actor=erasure.requested_by,
            target=_target(user_id),
            data={"policy": erasure.policy, "erasure_id": erasure.pk},
        )
        transaction.on_commit(lambda: _forget(user_id, needles))


def _forget(user_id: int, needles: tuple[str, ...]) -> None:
    """After the last commit: the caches, and the record of tasks already handed to the queue
    whose arguments held the person's id (the outbox keeps them as history)."""
    cache_scrub.scrub(user_id=user_id, needles=needles)
    # The index updates the account's deletion queued, handed to the queue now rather than by
    # the relay later (outbox tasks are idempotent: an early or second delivery is harmless).
    flush_batched()
    relay(now=timezone.now() + relay_after())
    handed = OutboxEvent.objects.filter(enqueued_at__isnull=False).filter(
        Q(args__icontains=str(user_id)) | Q(kwargs__icontains=str(user_id))
    )
    ids = [
        pk
        for pk, args, kwargs in handed.values_list("pk", "args", "kwargs")
        if cache_scrub.holds_id(args, user_id) or cache_scrub.holds_id(kwargs, user_id)
    ]
    OutboxEvent.objects.filter(pk__in=ids).delete()
