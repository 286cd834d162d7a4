"""A task and a view that queues it, for the request-id test: the middleware, the backends
and the worker under test are Hanse's own; only this view is the test's."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django_tasks import task

from hanse.jobs.outbox import enqueue_on_commit


@task()
def note(out: str) -> None:
    Path(out).write_text("ran\n")


@login_not_required
def queue_note(request: HttpRequest) -> JsonResponse:
    enqueue_on_commit(note, request.GET["out"])
    return JsonResponse({"queued": True})


urlpatterns = [path("test-queue-note", queue_note), path("", include("hanse.urls"))]


@task()
def always_fails(reason: str) -> None:
    raise RuntimeError(reason)
