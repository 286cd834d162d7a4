"""CPU time of a cold post card: each card of a few feed pages rendered without its cache.

    python -m bench.cards --database-url sqlite:////tmp/hanse-bank.db [--pages 10 --rounds 3]

Renders every card of the first pages of several viewers' home feeds through
``hanse.posts.cards`` as a first look does (the card cache missed), and prints the process
CPU time per card (median of the rounds), so a change to the card templates or their tags can
be judged on a busy machine. ``--check`` also compares the HTML with that of the plain
``{% url %}`` rendering (``--save`` / ``--compare`` a file of it between two branches).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--save", help="write a digest of every card's HTML to this file")
    parser.add_argument("--compare", help="compare every card's HTML digest with this file")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("HANSE_ENV", "dev")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
    import django

    django.setup()
    from django.test import RequestFactory
    from django.utils import translation

    from hanse.people.models import User
    from hanse.posts import cards
    from hanse.posts.selectors import feed

    viewers = list(User.objects.filter(is_active=True).order_by("pk")[: args.viewers])
    factory = RequestFactory()
    pages = []
    for viewer in viewers:
        request = factory.get("/")
        request.user = viewer
        pages.append((request, feed.home_feed(viewer=viewer).items))
    count = sum(len(items) for _r, items in pages)
    per_card: list[float] = []
    digests: dict[str, str] = {}
    with translation.override("de"):
        for _round in range(args.rounds):
            start = time.process_time()
            for request, items in pages:
                for item in items:
                    parts = cards._render(request, item)
                    if _round == 0:  # the parts hold the relative times' ISO times: stable
                        digests[f"{request.user.pk}:{item.post.pk}"] = hashlib.sha256(
                            json.dumps(parts).encode()
                        ).hexdigest()
            per_card.append((time.process_time() - start) / count * 1e6)
    load = os.getloadavg()
    print(
        f"cards: {count} per round, {args.rounds} rounds; CPU per cold card: median "
        f"{statistics.median(per_card):.0f} µs, best {min(per_card):.0f} µs "
        f"(load average {load[0]:.1f})"
    )
    if args.save:
        with open(args.save, "w") as out:
            json.dump(digests, out)
    if args.compare:
        with open(args.compare) as given:
            before = json.load(given)
        differ = [key for key, value in digests.items() if before.get(key) != value]
        print(f"HTML compared with {args.compare}: {len(differ)} of {len(digests)} differ")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
