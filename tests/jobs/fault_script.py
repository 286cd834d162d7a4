"""What the fault tests run in processes of their own (``python -m tests.jobs.fault_script``):
people, posts through the API, the outbox relay, the recovery step, and counts as JSON."""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from hanse.api.services import token_create  # noqa: E402
from hanse.jobs import outbox  # noqa: E402
from hanse.jobs.models import OutboxEvent  # noqa: E402
from hanse.jobs.recovery import recover_stuck_tasks  # noqa: E402
from hanse.notifications.models import Notification  # noqa: E402
from hanse.people.models import User  # noqa: E402
from hanse.posts.models import Post  # noqa: E402


def people(mentioned: int) -> None:
    """The author and the people every post mentions."""
    User.objects.create_user(username="author", email="author@example.org", first_name="Ada")
    for n in range(mentioned):
        User.objects.create_user(username=f"reader{n}", email=f"reader{n}@example.org")


def post(count: int, key: str = "") -> None:
    """Publish posts through the API (each mentions every reader); prints the statuses."""
    author = User.objects.get(username="author")
    token = token_create(user=author, name="fault test").raw
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    client = Client(raise_request_exception=False, **headers)
    mentions = " ".join(
        f"@{u}" for u in User.objects.exclude(username="author").values_list("username", flat=True)
    )
    statuses = []
    for n in range(count):
        response = client.post(
            "/api/v1/posts",
            json.dumps({"body": f"Post {n} for {mentions}"}),
            content_type="application/json",
        )
        statuses.append((response.status_code, response.json().get("id")))
    print(json.dumps(statuses))


def counts() -> None:
    per_post = {
        str(row["post_id"]): row["n"]
        for row in Notification.objects.values("post_id").annotate(n=Count("id"))
    }
    twice = (
        Notification.objects.values("recipient_id", "post_id", "type")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    print(
        json.dumps(
            {
                "posts": Post.objects.count(),
                # The search index's updates ride along with every write; counted apart.
                "outbox_waiting": OutboxEvent.objects.filter(enqueued_at__isnull=True)
                .exclude(task_path__startswith="hanse.search.")
                .count(),
                "notifications": Notification.objects.count(),
                "per_post": per_post,
                "twice": twice,
            }
        )
    )


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "people":
        people(int(args[0]))
    elif command == "post":
        post(int(args[0]), *(args[1:]))
    elif command == "relay":
        print(json.dumps(outbox.relay()))
    elif command == "recover":
        print(json.dumps(recover_stuck_tasks()))
    elif command == "counts":
        counts()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
