"""``manage.py hanse_welcome``: the greeting ``make run`` prints before the server starts."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from hanse.demo.generator import DEMO_USERNAMES, demo_password
from hanse.people.models import User


def _width(text: str) -> int:
    """Columns a line takes in a terminal (wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def box(lines: list[str]) -> str:
    inner = max(_width(line) for line in lines)
    top = "╭" + "─" * (inner + 2) + "╮"
    bottom = "╰" + "─" * (inner + 2) + "╯"
    body = [f"│ {line}{' ' * (inner - _width(line))} │" for line in lines]
    return "\n".join([top, *body, bottom])


class Command(BaseCommand):
    help = "Print where Hanse is starting and how to log in to the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"]
        # A server listening on every interface is still reached through localhost.
        if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 - only shown, never bound
            host = "127.0.0.1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        base = f"http://{host}:{options['port']}/"
        try:
            existing = set(
                User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
            )
        except DatabaseError:
            # Not migrated yet: name the accounts the demo will create.
            existing = set(DEMO_USERNAMES)
        demo = [name for name in DEMO_USERNAMES if name in existing]
        lines = [_("Hanse is starting on %(url)s") % {"url": base}, ""]
        if demo:
            lines += [
                _("Log in as: %(accounts)s") % {"accounts": " / ".join(demo)},
                _("with the password: %(password)s") % {"password": demo_password()},
            ]
        else:
            lines.append(_("Log in with your own account."))
        lines += [
            "",
            _("Administration: %(url)s") % {"url": f"{base}admin/"},
            _("API documentation: %(url)s") % {"url": f"{base}api/v1/docs"},
            _("The task worker runs alongside the web server."),
            _("Press Ctrl+C to stop both."),
        ]
        self.stdout.write(box(lines))
