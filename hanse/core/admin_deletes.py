"""Deleting in Django admin goes through the app's delete service.

A delete in admin is the same act as a delete on the site: the service checks who may do it
(the person signed in to admin, with the same rule as everywhere) and does what goes with it
(stored files, counters, live updates, evidence that must be kept). Without this, admin's own
delete removes rows and nothing else. A refusal leaves everything as it was and is shown as
an error message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from hanse.core.errors import ServiceError


class ServiceDeleteAdmin(admin.ModelAdmin):
    """A model admin whose single and bulk deletes call ``delete_with_service``."""

    def delete_with_service(self, obj: Any, by: Any) -> None:
        """Each subclass calls its app's delete service here (post_delete, comment_delete, ...);
        an admin that forgot to must fail loudly rather than delete past the service."""
        raise NotImplementedError

    def delete_order(self, objects: list[Any]) -> Iterable[Any]:
        """The order of a bulk delete (e.g. replies before the comments they answer)."""
        return objects

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_with_service(obj, request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        model = queryset.model
        with transaction.atomic():
            for obj in self.delete_order(list(queryset)):
                # One delete may have taken another with it (a comment's replies).
                if model._default_manager.filter(pk=obj.pk).exists():
                    self.delete_with_service(obj, request.user)

    def _refused(self, request: HttpRequest, error: ServiceError, url: str) -> HttpResponse:
        self.message_user(request, str(error.message), messages.ERROR)
        return HttpResponseRedirect(url)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Django runs the delete and its log entry in one transaction: a refusal undoes both.
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceError as error:
            opts: Any = self.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return self._refused(request, error, url)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The bulk delete action writes its log entries before it deletes; one transaction
        # around both means a refusal leaves neither.
        try:
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except ServiceError as error:
            return self._refused(request, error, request.get_full_path())
