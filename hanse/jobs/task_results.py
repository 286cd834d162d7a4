"""The task database of django-tasks under a German name in the admin.

The package names its app "Tasks Database Backend" in plain English (not translatable);
settings install it through this subclass, which changes nothing but the name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskResultsConfig(TasksAppConfig):
    # The package spells its name as a str; a lazy translation is what AppConfig accepts.
    verbose_name = _("Task queue")  # type: ignore[assignment]
