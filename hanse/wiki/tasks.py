"""Background work of the wiki: telling watchers about a change, and review reminders.

Both write their notifications in one transaction with a ledger row (hanse/jobs/once.py), so
a task that runs twice tells nobody twice; the change's task body is ``notify_or_retry``
(hanse/notifications/tasks.py), which also retries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from hanse.jobs import once
from hanse.notifications.delivery import queue_delivery_on_commit
from hanse.notifications.services import notify
from hanse.notifications.tasks import Once, notify_or_retry
from hanse.people.models import User
from hanse.wiki.models import DEFAULT_REVIEW_DAYS, Page, PageWatch, Revision
from hanse.wiki.rules import review_recipients_q

# Pages reminded per run of the schedule.
REVIEW_BATCH = 200


@task()
def notify_page_changed(page_id: int, revision_id: int, attempt: int = 1) -> int:
    """Tell the page's watchers (not the author of the change) that it changed; collapsed
    per page while unread. Returns how many notifications were made or updated."""
    return notify_or_retry(
        notify_page_changed,
        [page_id, revision_id],
        attempt,
        f"Wiki change {revision_id}",
        lambda: _page_changed(page_id, revision_id),
    )


def _page_changed(page_id: int, revision_id: int) -> list[Once]:
    revision = (
        Revision.objects.select_related("page__community", "author")
        .filter(pk=revision_id, page_id=page_id)
        .first()
    )
    if revision is None:
        return []
    page = revision.page
    watchers = User.objects.filter(
        pk__in=PageWatch.objects.filter(page=page).values("user_id"), is_active=True
    )
    if revision.author_id is not None:
        watchers = watchers.exclude(pk=revision.author_id)
    return [
        Once(
            f"wiki-changed:{revision_id}",
            lambda: notify(
                type_key="wiki_page_changed",
                recipients=list(watchers),
                actor=revision.author,
                community=page.community,
                target=page,
                group_key=f"wiki-page:{page.pk}",
                data={"title": page.title, "note": revision.note},
            ),
        )
    ]


def due_pages(now: datetime | None = None) -> list[Page]:
    """Pages whose last review (or creation) is older than their community's period and
    whose owners were not reminded since."""
    now = now or timezone.now()
    days = Coalesce(F("community__wiki_settings__review_days"), DEFAULT_REVIEW_DAYS)
    last = Coalesce(F("reviewed_at"), F("created_at"))
    candidates = (
        Page.objects.filter(is_template=False)
        .exclude(community__wiki_settings__enabled=False)
        .annotate(last=last, days=days)
        .filter(Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lt=F("last")))
        .select_related("community")
        .order_by("last")
    )
    due: list[Page] = []
    # The period differs per community: compared in Python on the oldest pages first.
    for page in candidates.filter(last__lt=now - timedelta(days=7))[: REVIEW_BATCH * 5]:
        if page.last < now - timedelta(days=page.days):
            due.append(page)
            if len(due) >= REVIEW_BATCH:
                break
    return due


@task()
def send_review_reminders() -> int:
    """The daily job: remind the owners of pages not reviewed for their period."""
    sent = 0
    for page in due_pages():
        owners = User.objects.filter(review_recipients_q(page), is_active=True).distinct()
        stamp = (page.reviewed_at or page.created_at).isoformat()
        with transaction.atomic():
            Page.objects.filter(pk=page.pk).update(review_reminded_at=timezone.now())
            if not once.claim(f"wiki-review:{page.pk}:{stamp}"):
                continue
            made = notify(
                type_key="wiki_review_due",
                recipients=list(owners),
                community=page.community,
                target=page,
                data={"title": page.title},
            )
            queue_delivery_on_commit([n.pk for n in made])
            sent += len(made)
    return sent
