"""Rebuild the search index, all of it or one type, while Hanse serves.

Rows are written in batches (upserts) and the rows of vanished objects removed at the end of
each type, so searches keep working throughout, and updates the task queue makes meanwhile
are kept (hanse/search/index.py ``reindex_type``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hanse.core import searchable
from hanse.search.index import BATCH, reindex_type


class Command(BaseCommand):
    help = "Rebuild the search index (all types, or one with --type)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", dest="type_key", help="one searchable type, e.g. post")
        parser.add_argument("--batch", type=int, default=BATCH)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, type_key: str | None = None, **options: Any) -> None:
        types = searchable.all_types()
        if type_key:
            chosen = searchable.get(type_key)
            if chosen is None:
                known = ", ".join(t.key for t in types)
                raise CommandError(f"Unknown type {type_key!r}; known: {known}")
            types = [chosen]
        quiet = options["no_progress"] or options["verbosity"] == 0
        total_written = 0
        started = time.monotonic()
        for stype in types:
            count = stype.queryset().count()
            with tqdm(
                total=count, desc=stype.key, unit="doc", disable=quiet, file=self.stderr._out
            ) as bar:
                written = reindex_type(stype, progress=bar.update, batch=max(1, options["batch"]))
            total_written += written
            if options["verbosity"] > 0:
                self.stdout.write(f"{stype.key}: {written} documents")
        elapsed = max(time.monotonic() - started, 1e-9)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{total_written} documents in {elapsed:.1f} s ({total_written / elapsed:.0f}/s)"
            )
