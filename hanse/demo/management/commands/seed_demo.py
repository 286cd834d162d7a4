"""``manage.py seed_demo``: fill an empty database with the demo savings bank."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hanse.core import searchable
from hanse.demo.context import PhaseBar
from hanse.demo.generator import DEMO_USERNAMES, SIZES, demo_password, generate
from hanse.people.models import User
from hanse.search import hooks as search_hooks
from hanse.search.index import reindex_type


class Command(BaseCommand):
    help = (
        "Create the demo organisation, a fictional regional savings bank with people, org "
        "units, follows and communities. The same seed always gives the same bank."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="bank",
            help="small: about 40 people (tests); bank: about 700 people in 42 branches "
            "(the demo); mid: 2,000 people, 50,000 posts (a quick bench); large: 10,000 people "
            "(benchmarks). Default: bank.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already contains people.",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Password of all demo accounts (default: $DEMO_PASSWORD, else hanse-demo).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already contains people; no demo data added.")
                return
            raise CommandError(
                "The database already contains people. Run seed_demo on an empty database "
                "(make demo-reset removes the local one), or pass --if-empty to skip."
            )
        size, seed = options["size"], options["seed"]
        password = demo_password(options["password"])
        interactive = sys.stderr.isatty()
        self.stdout.write(f"Creating the demo organisation (size {size}, seed {seed}) ...")
        started = time.monotonic()

        def progress(label: str, total: int) -> PhaseBar:
            # On a terminal the finished bar is the phase line; elsewhere (logs, CI) a plain
            # line per phase.
            if not interactive:
                self.stdout.write(f"  {label} ...")
                self.stdout.flush()
            return tqdm(
                total=total,
                desc=f"  {label}",
                unit="",
                file=sys.stderr,
                disable=not interactive,
                leave=True,
            )

        # The search index is built once at the end, in batches: following every single
        # write of the generator would queue one index update per row.
        with search_hooks.paused():
            ctx = generate(size=size, seed=seed, password=password, progress=progress)
        for stype in searchable.all_types():
            bar = progress(f"search index: {stype.key}", 0)
            reindex_type(stype, progress=bar.update)
            bar.close()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in ctx.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s: {summary}."))
        self.stdout.write(f"Demo accounts: {', '.join(DEMO_USERNAMES)} (password: {password}).")
