"""``python -m hanse <command>`` (or the ``hanse`` script): Django's manage.py for an installed
Hanse, where there is no checkout and no manage.py."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
