"""What the wiki adds to the posts' text pipeline: ``[[Title]]`` links, a table of contents,
and a word-level diff between two texts.

A page's Markdown goes through the same pipeline as a post (hanse/posts/services/posts.py
``render_text``: markdown-it without raw HTML, mentions and hashtags, nh3). Before that,
``[[Title]]`` becomes an ordinary Markdown link to the page (or, when it is missing, to the
form that creates it); after it, the headings get ids for the table of contents. Both steps
only add what this module builds itself (an address from a page id or a quoted title, an id
from a slug), so the sanitised HTML stays sanitised.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.text import slugify

from hanse.wiki.models import title_key

# [[Title]] or [[Title|shown text]]: no brackets, no line breaks, at most 200 characters.
WIKI_LINK = re.compile(r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")
# Marks links to pages that do not exist yet (the class is added after sanitising).
MISSING_PATH = "/wiki/new/"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")
_HEADING = re.compile(r"<h([3-6])>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def link_titles(source: str) -> list[str]:
    """The titles a text links to, in order, once each (by their normalised form)."""
    seen: dict[str, str] = {}
    for match in WIKI_LINK.finditer(source):
        title = " ".join(match.group(1).split())
        if title:
            seen.setdefault(title_key(title), title)
    return list(seen.values())


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def expand_links(
    source: str, *, resolve: Callable[[str], int | None], community_id: int | None
) -> str:
    """Replace each ``[[Title]]`` by a Markdown link: to the page when ``resolve`` finds its
    id, else to the form that creates it (``MISSING_PATH``)."""

    def replace(match: re.Match[str]) -> str:
        title = " ".join(match.group(1).split())
        shown = " ".join((match.group(2) or title).split())
        page_id = resolve(title_key(title))
        if page_id is not None:
            href = reverse("wiki:page", args=[page_id])
        else:
            query: dict[str, str | int] = {"title": title}
            if community_id is not None:
                query["community"] = community_id
            href = f"{MISSING_PATH}?{urlencode(query)}"
        return f"[{_escape(shown)}](<{href}>)"

    return WIKI_LINK.sub(replace, source)


def mark_missing(rendered: str) -> str:
    """Give links to missing pages their class (after sanitising: nh3 allows no classes)."""
    return rendered.replace(
        f'<a href="{MISSING_PATH}?', f'<a class="wiki-missing" href="{MISSING_PATH}?'
    )


# Pictures: the posts' pipeline has Markdown images switched off, so ``![alt](url)`` arrives
# as "!" and an ordinary (sanitised) link. Only such a link to a page picture's own address
# (``wiki:image``: digits, then a percent-encoded name) becomes an <img>, built here from the
# matched id and name; its text becomes the alt text, escaped again for the attribute.
IMAGE_PATH = "/wiki/images/"
_IMAGE_LINK = re.compile(
    r'!<a href="' + re.escape(IMAGE_PATH) + r'(\d{1,12})/([A-Za-z0-9._~%-]{1,400})"'
    r'(?: title="[^"<>]*")? rel="nofollow noopener noreferrer">([^<]{0,300})</a>'
)


def embed_images(rendered: str) -> str:
    """Links written as pictures to page pictures become pictures (after sanitising)."""

    def replace(match: re.Match[str]) -> str:
        image_id, name, alt = match.groups()
        alt = html.escape(html.unescape(alt), quote=True)
        return (
            f'<img class="wiki-image" src="{IMAGE_PATH}{image_id}/{name}" alt="{alt}" '
            'loading="lazy">'
        )

    return _IMAGE_LINK.sub(replace, rendered)


def image_markdown(url: str, name: str) -> str:
    """The Markdown an editor inserts for a page picture: its name (without the ending) as
    the alt text, which the author can change."""
    alt = (name.rpartition(".")[0] or name).replace("_", " ").replace("-", " ").strip()
    return f"![{_escape(alt)}]({url})"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


def add_heading_ids(rendered: str) -> tuple[str, list[Heading]]:
    """Ids on the headings (``#`` renders as h3) and the table of contents they make."""
    used: set[str] = set()
    toc: list[Heading] = []

    def replace(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        text = html.unescape(_TAG.sub("", inner)).strip()
        base = "abschnitt-" + (slugify(text)[:60] or "x")
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        toc.append(Heading(level=level - 2, text=text, anchor=anchor))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _HEADING.sub(replace, rendered), toc


# --- diff ------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    """A piece of a diff: ``op`` is "same", "added" or "removed"."""

    op: str
    text: str


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """The difference between two texts word by word: what stayed, what was removed, what
    was added, in reading order (a replacement shows the removal first)."""
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("added", "".join(b[j1:j2])))
    return _merge(segments)


def _merge(segments: Iterable[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged
