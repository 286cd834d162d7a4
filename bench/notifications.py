"""Worker-time benchmark of notifications: a post to a big community, and the bell's count.

    createdb -h 127.0.0.1 -U postgres hanse_bench_notify
    .venv/bin/python -m bench.notifications \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench_notify
    .venv/bin/python -m bench.notifications --database-url sqlite:////tmp/hanse-bench-notify.sqlite3

The database is emptied (``flush``) and filled with a community of 5,000 members, 1,000 of
whom follow it with "all posts" (200 of those also want it by e-mail in their digest), and
people mentioned in the post who get an e-mail right away. Then the task a worker runs for a
new post, ``notify_post_created``, is timed: creating every notification and queueing the
e-mails (to the database queue, as in the embedded set-up). Finally the bell's unread count is
shown to be one query, with the database's plan for it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

from bench.honesty import Ledger, require_database

MEMBERS = 5_000
ALL_POSTS = 1_000
EMAIL_DIGEST = 200
MENTIONED = 10
TARGET_SECONDS = 2.0


def configure(database_url: str) -> None:
    require_database(database_url)
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        os.environ["SQLITE_PATH"] = path
        os.environ.pop("DATABASE_URL", None)
    else:
        name = database_url.rsplit("/", 1)[-1]
        if name == "test" or name.startswith("test_hanse"):
            raise SystemExit("Use a database of your own, not a test database.")
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("HANSE_ENV", "development")
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
    import django

    django.setup()


def seed() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from hanse.communities.models import Community, Membership
    from hanse.notifications.models import (
        CommunityNotificationSetting,
        DeliverySettings,
        NotificationPreference,
    )
    from hanse.people.models import User

    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench{n}",
                email=f"bench{n}@example.org",
                first_name="Bench",
                last_name=f"Person {n}",
                password=password,
            )
            for n in range(MEMBERS)
        ],
        batch_size=1000,
    )
    author = users[0]
    community = Community.objects.create(
        name="Connectoren", slug="connectoren", kind=Community.Kind.OPEN, member_count=MEMBERS
    )
    Membership.objects.bulk_create(
        [
            Membership(
                community=community,
                user=u,
                role=Membership.Role.OWNER if u == author else Membership.Role.MEMBER,
            )
            for u in users
        ],
        batch_size=1000,
    )
    followers = users[1 : ALL_POSTS + 1]
    now = timezone.now()
    CommunityNotificationSetting.objects.bulk_create(
        [
            CommunityNotificationSetting(
                user=u, community=community, level="all_posts", updated_at=now
            )
            for u in followers
        ],
        batch_size=1000,
    )
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=u, type="community_post", channel="email", enabled=True)
            for u in followers[:EMAIL_DIGEST]
        ]
    )
    mentioned = users[ALL_POSTS + 1 : ALL_POSTS + 1 + MENTIONED]
    # No quiet hours for them, so the e-mails are queued to go out now whatever the hour.
    DeliverySettings.objects.bulk_create(
        [DeliverySettings(user=u, quiet_hours_start=None, quiet_hours_end=None) for u in mentioned]
    )
    return {"author": author, "community": community, "mentioned": mentioned, "users": users}


def make_post(data: dict[str, Any], n: int) -> int:
    from hanse.posts.models import Mention, Post

    post = Post.objects.create(
        author=data["author"],
        community=data["community"],
        scope=Post.Scope.COMMUNITY,
        body=f"Treffen der Connectoren Nr. {n}",
        body_html=f"<p>Treffen der Connectoren Nr. {n}</p>",
    )
    Mention.objects.bulk_create([Mention(post=post, user=u) for u in data["mentioned"]])
    return post.pk


def explain_bell(user: Any) -> tuple[int, str, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hanse.notifications.selectors import unread_count

    with CaptureQueriesContext(connection) as ctx:
        unread_count(user=user)
    sql = ctx.captured_queries[-1]["sql"]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
    return len(ctx.captured_queries), sql, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    configure(args.database_url)

    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from hanse.notifications.models import Notification
    from hanse.posts.tasks import notify_post_created

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    started = time.perf_counter()
    data = seed()
    seed_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    ledger = Ledger()
    timings = []
    for n in range(args.rounds):
        post_id = make_post(data, n)
        before = DBTaskResult.objects.count()
        started = time.perf_counter()
        notify_post_created.call(post_id)
        timings.append(time.perf_counter() - started)
        made = Notification.objects.filter(post_id=post_id)
        created = made.count()
        pending = made.filter(email_state="pending").count()
        digest = made.filter(email_state="digest").count()
        queued_tasks = DBTaskResult.objects.count() - before
        # A round that notified fewer people than it should did less work: its time is no
        # figure of the task.
        ledger.answered("notifications created", created, (ALL_POSTS + MENTIONED,))
        ledger.answered("e-mails due right away", pending, (MENTIONED,))
        ledger.answered("e-mails for the digest", digest, (EMAIL_DIGEST,))
        # The next round's followers start from an empty bell again, like a fresh post.
        Notification.objects.filter(post_id=post_id).update(read_at=made.first().created_at)  # type: ignore[union-attr]

    follower = data["users"][1]
    Notification.objects.filter(recipient=follower).update(read_at=None)
    queries, sql, plan = explain_bell(follower)

    ledger.measured("rounds of notify_post_created", len(timings), args.rounds)

    def print_figures() -> bool:
        engine = connection.vendor
        median = statistics.median(timings)
        print()
        seeded = f"{MEMBERS:,} members seeded in {seed_seconds:.1f} s"
        print(f"Notifications benchmark on {engine} ({seeded})")
        print()
        print("| measure | value | target |")
        print("|---|---|---|")
        print(
            f"| notify_post_created worker time, median of {len(timings)} | {median * 1000:.0f} ms "
            f"| ≤ {TARGET_SECONDS * 1000:.0f} ms |"
        )
        target = f"≤ {TARGET_SECONDS * 1000:.0f} ms"
        print(f"| ... slowest round | {max(timings) * 1000:.0f} ms | {target} |")
        print(f"| notifications created per post | {created:,} | {ALL_POSTS + MENTIONED:,} |")
        print(f"| e-mails due right away (mentions) | {pending} | {MENTIONED} |")
        print(f"| e-mails waiting for the digest | {digest} | {EMAIL_DIGEST} |")
        print(f"| delivery tasks queued (batches of 50) | {queued_tasks} | |")
        print(f"| bell unread count: queries | {queries} | 1 |")
        print()
        print("Bell count SQL:")
        print(sql)
        print()
        print("Plan:")
        print(plan)
        ok = max(timings) <= TARGET_SECONDS and queries == 1 and "notif_unread_idx" in plan
        print()
        print("PASS" if ok else "FAIL")
        return ok

    return ledger.report(print_figures)


if __name__ == "__main__":
    sys.exit(main())
