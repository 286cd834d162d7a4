"""Network analytics in the demo, so that the dashboard has figures on the first day.

Switched on the way an administrator does it (with the demo's fictitious staff council
agreement as the reason, written to the audit log), the analytics role given to the HR
account, the interactions the demo's posts imply written as edges (a comment on a colleague's
post, a reply, a reaction, a mention: the kinds the running app records), and the last weeks
and months computed as the nightly job would. Edges older than the retention are folded into
their aggregates and deleted by the nightly job as usual.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from hanse.analytics import services
from hanse.analytics.compute import compute_period
from hanse.analytics.models import InteractionEdge
from hanse.analytics.org import load_org
from hanse.analytics.periods import month_start, period_end, week_start
from hanse.demo.context import DemoContext, bulk_create
from hanse.posts.models import Comment, Mention, Reaction

REASON = "Demo: Dienstvereinbarung Hanse DV 2026/01 (fiktiv)"
ANALYST = "clara.fischer"  # Referentin Personalentwicklung
WEEKS = 8
MONTHS = 4

Key = tuple[str, int, int, date]


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _edge(found: set[Key], kind: str, x: int | None, y: int | None, moment: datetime) -> None:
    if x is None or y is None or x == y:
        return
    found.add((kind, min(x, y), max(x, y), _day(moment)))


def demo_edges(since: datetime) -> set[Key]:
    """The interactions the demo's content implies, from ``since`` on."""
    found: set[Key] = set()
    comments = Comment.objects.filter(created_at__gte=since).values_list(
        "author_id", "post__author_id", "parent__author_id", "created_at"
    )
    for author, post_author, parent_author, at in comments.iterator(chunk_size=5000):
        _edge(found, "comment", author, post_author, at)
        _edge(found, "reply", author, parent_author, at)
    reactions = Reaction.objects.filter(created_at__gte=since).values_list(
        "user_id", "post__author_id", "comment__author_id", "created_at"
    )
    for user, post_author, comment_author, at in reactions.iterator(chunk_size=5000):
        _edge(found, "reaction", user, comment_author or post_author, at)
    mentions = Mention.objects.filter(
        user__isnull=False, post__isnull=False, post__created_at__gte=since
    ).values_list("user_id", "post__author_id", "post__created_at")
    for user, author, at in mentions.iterator(chunk_size=5000):
        _edge(found, "mention", user, author, at)
    return found


def create_analytics(ctx: DemoContext) -> None:
    admin = next(
        (p.user for p in ctx.accounts.values() if p.user is not None and p.user.is_superuser),
        None,
    )
    if admin is None:
        return
    services.analytics_enable(by=admin, reason=REASON)
    analyst = ctx.accounts.get(ANALYST)
    if analyst is not None and analyst.user is not None:
        analyst.user.user_permissions.add(Permission.objects.get(codename="view_analytics"))
    today = timezone.localdate(ctx.now)
    first_month = month_start(today)
    for _ in range(MONTHS - 1):
        first_month = month_start(first_month - timedelta(days=1))
    first_week = week_start(today) - timedelta(days=7 * (WEEKS - 1))
    first = min(first_month, first_week)
    since = datetime.combine(first, datetime.min.time(), timezone.get_current_timezone())
    edges = sorted(demo_edges(since))
    bar = ctx.progress("Analytics", len(edges) + MONTHS + WEEKS)
    bulk_create(
        InteractionEdge,
        [InteractionEdge(kind=k, a_id=a, b_id=b, day=d) for k, a, b, d in edges],
        bar,
        ignore_conflicts=True,
    )
    org = load_org()
    min_group = services.current().min_group
    periods = [("month", first_month, MONTHS), ("week", first_week, WEEKS)]
    for period, start, count in periods:
        for _ in range(count):
            compute_period(period, start, min_group=min_group, org=org)
            bar.update(1)
            start = period_end(period, start)
    bar.close()
    ctx.counts["interaction edges"] = len(edges)
