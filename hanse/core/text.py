"""The text pipeline for posts and comments: Markdown in, safe HTML out.

Two independent guards stand between what a person types and the page:

1. markdown-it-py parses the source with raw HTML *disabled* (any ``<tag>`` is escaped as text),
   images disabled (they come as attachments), and a link validator that only lets through
   http, https, mailto and relative URLs.
2. nh3 (ammonia) sanitises the rendered HTML against an explicit allow-list of tags, attributes
   and URL schemes, and adds ``rel="nofollow noopener noreferrer"`` to every link.

Mentions (``@username``, ``@community-slug``) and hashtags (``#Nachhaltigkeit``) are found on the
markdown-it token stream, in text tokens outside code and links, so a ``@`` inside a code span,
an e-mail address or a URL is never touched. Extraction and rendering share the same rule, so
what is linked is exactly what is extracted.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import nh3
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "MAX_SOURCE_CHARS",
    "MAX_TAG_CHARS",
    "MAX_USERNAME_CHARS",
    "ParsedText",
    "TextTooLongError",
    "UnstorableTextError",
    "check_storable",
    "extract_hashtags",
    "extract_mentions",
    "normalise_tag",
    "parse_text",
    "plain_text_excerpt",
    "render_markdown",
]

MAX_SOURCE_CHARS = 20_000
MAX_TAG_CHARS = 50
# Django's username field holds at most 150 characters; nothing longer can be a person.
MAX_USERNAME_CHARS = 150

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {"a": frozenset({"href", "title"})}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# The one attribute value the renderer may add besides href/title: external links open in a
# new tab. nh3 accepts `target` on <a> with exactly this value and nothing else.
_ALLOWED_ATTRIBUTE_VALUES = {"a": {"target": {"_blank"}}}
LINK_REL = "nofollow noopener noreferrer"


class TextTooLongError(ValueError):
    """The source is longer than MAX_SOURCE_CHARS."""

    def __init__(self) -> None:
        self.message = _("The text is too long (at most 20,000 characters).")
        super().__init__(self.message)

    def __str__(self) -> str:
        # Translated at the moment it is shown, in the language active then.
        return str(self.message)


# Characters that no text of ours may hold. A lone UTF-16 surrogate (JSON can spell one:
# "\ud800") is not a character at all: it cannot be encoded as UTF-8, so saving, rendering or
# sending it fails wherever it goes. PostgreSQL cannot store NUL in a text column. Every text
# that enters from outside is checked here once (the API's body parser, the request middleware),
# so that no service, template or database driver meets them.
_UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")


class UnstorableTextError(ValueError):
    """A text holds a NUL character or a lone surrogate; `path` says where in a JSON body."""

    def __init__(self, path: tuple[str | int, ...] = ()) -> None:
        self.path = path
        self.message = _("The text contains a character that is not allowed.")
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def check_storable(value: Any, path: tuple[str | int, ...] = ()) -> None:
    """Raise UnstorableTextError if any text in `value` (nested dicts and lists, keys too)
    holds a NUL character or a lone surrogate."""
    if isinstance(value, str):
        if _UNSTORABLE_RE.search(value):
            raise UnstorableTextError(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_storable(key, path)
            check_storable(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_storable(item, (*path, index))


# --- URL policy ---------------------------------------------------------------------------

# Browsers drop ASCII tab/newline anywhere in a URL and leading C0 controls and spaces, so
# "jav\tascript:" *is* javascript:. Remove them all before looking for a scheme.
_URL_JUNK_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _url_allowed(url: str) -> bool:
    """True for http(s), mailto and scheme-less (relative) URLs; False for everything else."""
    for candidate in (url, unquote(url)):
        compact = _URL_JUNK_RE.sub("", candidate)
        match = _SCHEME_RE.match(compact)
        if match and match.group(1).lower() not in ALLOWED_URL_SCHEMES:
            return False
    return True


def _is_external(url: str) -> bool:
    lowered = url.lower()
    return lowered.startswith(("http://", "https://", "//"))


# --- Mentions and hashtags ----------------------------------------------------------------

# `@` not preceded by anything that makes it part of an e-mail address, a URL or a word. The
# name run is possessive (`++`), so a failed `(?!@)` never backtracks into it: matching stays
# linear however long the run is. Trailing dots and hyphens ("Danke @anna.") are trimmed after
# matching.
_MENTION_RE = re.compile(r"(?<![\w.+\-@/:&=?%#~])@([\w.\-]++)(?!@)")
# `#` not glued to a word, a URL (path, query, fragment) or an entity.
_HASHTAG_RE = re.compile(r"(?<![\w.+\-@/:&=?%#~])#([\w\-]++)")
_TAG_BODY_RE = re.compile(r"[^\W\d_][\w\-]*")


def normalise_tag(raw: str) -> str | None:
    """The canonical form of a hashtag (lowercase, NFC, without '#'), or None if it is none.

    A tag starts with a letter and holds letters (umlauts and ß included), digits, underscores
    and hyphens; it has at most MAX_TAG_CHARS characters. Trailing hyphens are dropped.
    """
    tag = unicodedata.normalize("NFC", raw.strip())
    tag = tag.removeprefix("#").rstrip("-").lower()
    if not tag or len(tag) > MAX_TAG_CHARS or not _TAG_BODY_RE.fullmatch(tag):
        return None
    return tag


def _mention_name(raw: str) -> str | None:
    name = raw.rstrip(".-")
    if not name or len(name) > MAX_USERNAME_CHARS or not (name[0].isalnum() or name[0] == "_"):
        return None
    return name


@dataclass
class _Refs:
    """Per-call context of the reference rule, passed through markdown-it's `env`."""

    people: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # lower -> (name, title)
    communities: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    link: bool = False
    link_tags: bool = True
    # One parse for extraction and rendering (ParsedText): a mention becomes a placeholder
    # link, filled or dropped once the names are resolved.
    defer_mentions: bool = False
    mentions: dict[str, None] = field(default_factory=dict)  # ordered set
    hashtags: dict[str, None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    kind: str  # "mention" or "tag"
    value: str  # lowercased username/slug, or normalised tag


def _find_refs(text: str, before: str) -> list[_Match]:
    """Mentions and hashtags in one text token; `before` is the character preceding it."""
    if "@" not in text and "#" not in text:
        return []
    subject = before + text
    offset = len(before)
    found: list[_Match] = []
    for m in _MENTION_RE.finditer(subject, offset):
        name = _mention_name(m.group(1))
        if name is not None:
            start = m.start() - offset
            found.append(_Match(start, start + 1 + len(name), "mention", name.lower()))
    for m in _HASHTAG_RE.finditer(subject, offset):
        raw = m.group(1).rstrip("-")
        tag = normalise_tag(raw) if raw and raw[0].isalpha() else None
        if tag is not None:
            start = m.start() - offset
            found.append(_Match(start, start + 1 + len(raw), "tag", tag))
    found.sort(key=lambda match: match.start)
    return found


_PENDING = "hanse_pending_mention"


def _link_tokens(href: str, title: str | None, label: str, level: int) -> list[Token]:
    attrs: dict[str, str | int | float] = {"href": href}
    if title:
        attrs["title"] = title
    return [
        Token("link_open", "a", 1, attrs=attrs, level=level, markup="hanse"),
        Token("text", "", 0, content=label, level=level + 1),
        Token("link_close", "a", -1, level=level, markup="hanse"),
    ]


def _resolve(match: _Match, refs: _Refs) -> tuple[str, str | None] | None:
    """(href, title) for a match that should become a link, or None to leave it as text."""
    if match.kind == "tag":
        if not refs.link_tags:
            return None
        return f"/tags/{quote(match.value, safe='')}/", None
    if match.value in refs.people:
        username, display = refs.people[match.value]
        return f"/people/{quote(username, safe='')}/", display
    if match.value in refs.communities:
        slug, name = refs.communities[match.value]
        return f"/communities/{quote(slug, safe='')}/", name
    return None


def _references_rule(state: StateCore) -> None:
    """Collect (and, when rendering, link) mentions and hashtags in plain text tokens."""
    refs = state.env.get("hanse_refs")
    if not isinstance(refs, _Refs):
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        previous: Token | None = None
        for token in block.children:
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth = max(0, link_depth - 1)
            if token.type != "text" or link_depth or not token.content:
                children.append(token)
                previous = token
                continue
            # Context for the look-behind: an escaped or entity character ("\#", "&#64;")
            # right before the token counts; anything else (a tag, a break) is a boundary.
            before = ""
            if previous is not None and previous.type in ("text", "text_special"):
                before = previous.content[-1:]
            matches = _find_refs(token.content, before)
            for match in matches:
                target = refs.mentions if match.kind == "mention" else refs.hashtags
                target.setdefault(match.value, None)
            if not refs.link or not matches:
                children.append(token)
                previous = token
                continue
            text, cursor = token.content, 0
            for match in matches:
                resolved = _resolve(match, refs)
                deferred = resolved is None and refs.defer_mentions and match.kind == "mention"
                if resolved is None and not deferred:
                    continue
                if match.start > cursor:
                    children.append(
                        Token("text", "", 0, content=text[cursor : match.start], level=token.level)
                    )
                href, title = resolved or ("", None)
                link = _link_tokens(href, title, text[match.start : match.end], token.level)
                if deferred:
                    link[0].meta = {_PENDING: match.value}
                children.extend(link)
                cursor = match.end
            if cursor < len(text):
                children.append(Token("text", "", 0, content=text[cursor:], level=token.level))
            previous = token
        block.children = children


# --- The Markdown parser ------------------------------------------------------------------


class _HanseMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return _url_allowed(url)


def _heading(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
             env: EnvType) -> str:  # fmt: skip
    # A post sits under the page's h1 and the card's h2: "#" becomes h3, "##" h4, and so on,
    # down to h6.
    token = tokens[idx]
    level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
    token.tag = f"h{min(level + 2, 6)}"
    return self.renderToken(tokens, idx, options, env)


def _strikethrough(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: EnvType) -> str:  # fmt: skip
    tokens[idx].tag = "del"
    return self.renderToken(tokens, idx, options, env)


def _table_cell(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:  # fmt: skip
    # Column alignment arrives as a style attribute, which the allow-list refuses anyway.
    tokens[idx].attrs.pop("style", None)
    return self.renderToken(tokens, idx, options, env)


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
               env: EnvType) -> str:  # fmt: skip
    token = tokens[idx]
    if _is_external(str(token.attrs.get("href", ""))):
        token.attrs["target"] = "_blank"
    return self.renderToken(tokens, idx, options, env)


def _build_markdown() -> MarkdownIt:
    md = _HanseMarkdown(
        "commonmark",
        {"html": False, "linkify": True, "breaks": True, "typographer": False},
    )
    md.enable(["table", "strikethrough", "linkify"])
    # Images are attachments; "![alt](url)" reads as "!" followed by an ordinary link.
    md.disable("image")
    # `html: False` already escapes raw HTML; switching the rules off as well means no code path
    # in the parser can produce an HTML token.
    md.disable(["html_inline", "html_block"])
    md.core.ruler.before("text_join", "hanse_references", _references_rule)
    for name in ("heading_open", "heading_close"):
        md.add_render_rule(name, _heading)
    for name in ("s_open", "s_close"):
        md.add_render_rule(name, _strikethrough)
    for name in ("th_open", "td_open"):
        md.add_render_rule(name, _table_cell)
    md.add_render_rule("link_open", _link_open)
    return md


# One parser per thread: sync views run in a thread pool under ASGI, and linkify-it (the
# JavaScript original and older Python ports) keeps the state of its last match on the
# instance. Building a parser takes about a millisecond, once per thread.
_local = threading.local()


def _markdown() -> MarkdownIt:
    md: MarkdownIt | None = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _build_markdown()
    return md


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    tag_attribute_values=_ALLOWED_ATTRIBUTE_VALUES,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def _prepare(source: str) -> str:
    if len(source) > MAX_SOURCE_CHARS:
        raise TextTooLongError()
    # One spelling per character, so "ö" typed as o + combining diaeresis is still a letter of
    # a hashtag and the same tag as a precomposed "ö".
    return unicodedata.normalize("NFC", source)


def _lowered(entries: Mapping[str, str] | None) -> dict[str, tuple[str, str]]:
    return {key.lower(): (key, value) for key, value in (entries or {}).items()}


def render_markdown(
    source: str,
    *,
    mentions: Mapping[str, str] | None = None,
    communities: Mapping[str, str] | None = None,
    tags: bool = True,
) -> str:
    """Render a post's Markdown to sanitised HTML.

    `mentions` maps known usernames to display names, `communities` known community slugs to
    names; `@name` links a person if known, else a community if known, else stays text.
    Raises TextTooLongError (a ValueError) above MAX_SOURCE_CHARS characters.
    """
    return parse_text(source, tags=tags).render(mentions=mentions, communities=communities)


class ParsedText:
    """A text parsed once: its mentions and hashtags now, its HTML once the mentioned names
    are resolved (``render``). Writing a post parses its Markdown once instead of three times
    (mentions, hashtags, HTML)."""

    def __init__(self, source: str, *, tags: bool = True) -> None:
        self._refs = _Refs(link=True, link_tags=tags, defer_mentions=True)
        self._env: dict[str, Any] = {"hanse_refs": self._refs}
        self._tokens: list[Token] | None = _markdown().parse(_prepare(source), self._env)

    @property
    def mentions(self) -> list[str]:
        """Every `@name` outside code and links: unique, lowercase, in order."""
        return list(self._refs.mentions)

    @property
    def hashtags(self) -> list[str]:
        """Every `#tag` outside code and links: normalised, unique, in order."""
        return list(self._refs.hashtags)

    def render(
        self,
        *,
        mentions: Mapping[str, str] | None = None,
        communities: Mapping[str, str] | None = None,
    ) -> str:
        """Sanitised HTML, as ``render_markdown`` with these names gives it (once per parse:
        rendering adjusts the tokens)."""
        tokens = self._tokens
        if tokens is None:
            raise RuntimeError("A parsed text is rendered once.")
        self._tokens = None
        refs = _Refs(people=_lowered(mentions), communities=_lowered(communities))
        for block in tokens:
            if block.type == "inline" and block.children:
                block.children = _fill_mentions(block.children, refs)
        md = _markdown()
        return _CLEANER.clean(md.renderer.render(tokens, md.options, self._env))


def _fill_mentions(children: list[Token], refs: _Refs) -> list[Token]:
    """Placeholder links of mentions: a link to the person or community when known, else
    their text as it was typed."""
    filled: list[Token] = []
    dropping = 0
    for token in children:
        pending = token.meta.get(_PENDING) if token.type == "link_open" else None
        if pending is not None:
            resolved = _resolve(_Match(0, 0, "mention", pending), refs)
            if resolved is None:
                dropping += 1
                continue
            href, title = resolved
            token.attrs["href"] = href
            if title:
                token.attrs["title"] = title
            token.meta = {}
        elif dropping and token.type == "link_close" and token.markup == "hanse":
            # Placeholder links hold one text token, never a link: this closes the one dropped.
            dropping -= 1
            continue
        filled.append(token)
    return filled


def parse_text(source: str, *, tags: bool = True) -> ParsedText:
    """Parse a post's Markdown once (raises TextTooLongError above MAX_SOURCE_CHARS)."""
    return ParsedText(source, tags=tags)


def _collect(source: str) -> _Refs:
    refs = _Refs()
    _markdown().parse(_prepare(source), {"hanse_refs": refs})
    return refs


def extract_mentions(source: str) -> list[str]:
    """Every `@name` in the text outside code and links: unique, lowercase, in order."""
    return list(_collect(source).mentions)


def extract_hashtags(source: str) -> list[str]:
    """Every `#tag` in the text outside code and links: normalised, unique, in order."""
    return list(_collect(source).hashtags)


_WHITESPACE_RE = re.compile(r"\s+")


def plain_text_excerpt(source: str, length: int = 200) -> str:
    """The text without Markdown syntax, whitespace collapsed, cut at a word to `length`.

    The result is plain text (not HTML): templates escape it like any other string.
    """
    text = unicodedata.normalize("NFC", source[:MAX_SOURCE_CHARS])
    parts: list[str] = []
    for token in _markdown().parse(text):
        if token.type == "inline":
            for child in token.children or ():
                if child.type in ("text", "text_special", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        parts.append(" ")
    plain = _WHITESPACE_RE.sub(" ", "".join(parts)).strip()
    if length <= 0:
        return ""
    if len(plain) <= length:
        return plain
    cut = plain[: length - 1]
    space = cut.rfind(" ")
    if space > length // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:!?-\u2013\u2014") + "…"
