"""The stream: posts, comments, replies, reactions, hashtags, images, bookmarks, tag follows and
company announcements.

Volumes: small about 150 posts, bank about 6,000 posts with 20,000 comments and 40,000
reactions, large 1,000,000 posts with 3,000,000 comments and reactions together. The large size
must be written in minutes, so rows go in bulk (PostgreSQL ``COPY``, elsewhere batched inserts)
rather than through the services, and Markdown is not rendered once per post: every paragraph
of posts_data is rendered once with placeholders and filled per post (see ``Fragment``); a test
checks that this equals ``render_markdown`` of the whole post. Everything the services keep
consistent is kept here too: ``body_html``, Tag links and Mention rows from the text, comment and
reaction counters equal to the rows, authors only in communities they belong to (and only after
joining), ids rising with ``created_at`` (the feeds page by id).
"""

from __future__ import annotations

import bisect
import io
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from hanse.communities.models import Community, Membership
from hanse.core.text import extract_hashtags, render_markdown
from hanse.demo import posts_data as content
from hanse.demo.context import DemoContext, PersonPlan
from hanse.posts.models import (
    Announcement,
    AnnouncementRead,
    Attachment,
    Bookmark,
    Comment,
    Mention,
    Post,
    Reaction,
    ReactionKind,
    Tag,
    TagFollow,
)


@dataclass(frozen=True)
class Volume:
    posts: int
    comments: int
    post_reactions: int
    comment_reactions: int
    # Write rows in chunks of this many posts (with their comments and reactions).
    chunk: int = 20_000
    # Store each image once and let many attachments share it (the large size); otherwise
    # every attachment has files of its own, so deleting one post never touches another's.
    shared_files: bool = False


VOLUMES = {
    "small": Volume(posts=150, comments=420, post_reactions=600, comment_reactions=150),
    "bank": Volume(posts=6_000, comments=20_000, post_reactions=30_000, comment_reactions=10_000),
    "mid": Volume(posts=50_000, comments=100_000, post_reactions=120_000, comment_reactions=35_000),
    "large": Volume(
        posts=1_000_000,
        comments=1_150_000,
        post_reactions=1_270_000,
        comment_reactions=360_000,
        shared_files=True,
    ),
}

DAY = 86_400.0
HISTORY_DAYS = 365
REPLY_SHARE = 0.3
SHARE_SHARE = 0.02
REACTION_KINDS = (
    (ReactionKind.LIKE.value, 55),
    (ReactionKind.CELEBRATE.value, 15),
    (ReactionKind.INSIGHTFUL.value, 12),
    (ReactionKind.SUPPORT.value, 10),
    (ReactionKind.CURIOUS.value, 8),
)
COMMUNICATORS_GROUP = "Kommunikation"


# --- Paragraphs rendered once ---------------------------------------------------------------

_SLOT_RE = re.compile(r"\{(\w+)\}")
_MENTION_SLOTS = ("m0", "m1")
_TEXT_SLOTS = ("town", "first", "weekday", "date", "time", "n", "room")
# Slot values are words, numbers and a little punctuation: nothing Markdown or HTML reads.
_SAFE_VALUE_RE = re.compile(r"[\w .,:/()\-]+")


@dataclass(frozen=True)
class Fragment:
    """A paragraph as a format string for the source and one for its rendered HTML."""

    source: str
    html: str
    tags: tuple[str, ...]
    mentions: tuple[str, ...]
    slots: tuple[str, ...] = ()

    def fill(self, values: dict[str, str]) -> tuple[str, str]:
        return self.source.format_map(values), self.html.format_map(values)


def compile_fragment(text: str) -> Fragment:
    """Render one paragraph with placeholders and turn the HTML back into a format string."""
    slots = list(dict.fromkeys(_SLOT_RE.findall(text)))
    unknown = [s for s in slots if s not in _MENTION_SLOTS and s not in _TEXT_SLOTS]
    if unknown or "{" in _SLOT_RE.sub("", text) or "}" in _SLOT_RE.sub("", text):
        raise ValueError(f"Unknown slot or stray brace in demo text: {text!r}")
    placeholder = text
    people: dict[str, str] = {}
    for slot in slots:
        if slot in _MENTION_SLOTS:
            if f"@{{{slot}}}" not in text:
                raise ValueError(f"A mention slot must follow '@': {text!r}")
            placeholder = placeholder.replace(f"{{{slot}}}", f"zq{slot}qz")
            people[f"zq{slot}qz"] = f"ZQd{slot[1:]}QZ"
        else:
            placeholder = placeholder.replace(f"{{{slot}}}", f"ZQ{slot}QZ")
    html = render_markdown(placeholder, mentions=people)
    template = html.replace("{", "{{").replace("}", "}}")
    for slot in slots:
        if slot in _MENTION_SLOTS:
            if f'href="/people/zq{slot}qz/"' not in html:
                raise ValueError(f"The mention in {text!r} did not become a link.")
            template = template.replace(f"zq{slot}qz", f"{{{slot}}}")
            template = template.replace(f"ZQd{slot[1:]}QZ", f"{{d{slot[1:]}}}")
        else:
            template = template.replace(f"ZQ{slot}QZ", f"{{{slot}}}")
    if "ZQ" in template or "zq" in template:
        raise ValueError(f"A slot in {text!r} was split by the renderer.")
    mentions = tuple(s for s in slots if s in _MENTION_SLOTS)
    return Fragment(text, template, tuple(extract_hashtags(placeholder)), mentions, tuple(slots))


@dataclass(frozen=True)
class CompiledTopic:
    key: str
    groups: tuple[tuple[Fragment | None, ...], ...]
    tag_lines: tuple[Fragment, ...]
    image_share: float
    comments: tuple[Fragment, ...]


def _compile_topics() -> dict[str, CompiledTopic]:
    general = [compile_fragment(c) for c in content.COMMENTS]
    return {
        key: CompiledTopic(
            key=key,
            groups=tuple(
                tuple(compile_fragment(p) if p else None for p in group) for group in topic.groups
            ),
            tag_lines=tuple(compile_fragment(line) for line in topic.tag_lines),
            image_share=topic.image_share,
            comments=tuple(compile_fragment(c) for c in topic.comments) + tuple(general),
        )
        for key, topic in content.TOPICS.items()
    }


def _check_values(values: Iterable[str]) -> None:
    for value in values:
        if not _SAFE_VALUE_RE.fullmatch(value):
            raise ValueError(f"Demo slot value {value!r} contains characters Markdown reads.")


# --- Writing rows in bulk -------------------------------------------------------------------


class RowWriter:
    """COPY on PostgreSQL, batched executemany elsewhere (SQLite)."""

    BATCH = 5_000

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            self.dt: Callable[[float], Any] = lambda ts: datetime.fromtimestamp(ts, UTC)
        else:
            adapt = connection.ops.adapt_datetimefield_value
            self.dt = lambda ts: adapt(datetime.fromtimestamp(ts, UTC))

    def write(self, model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(_column(model, n)) for n in names)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(names))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the models
                for start in range(0, len(rows), self.BATCH):
                    cursor.executemany(sql, rows[start : start + self.BATCH])


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field.")
    return str(field.column)


# --- Who can write where --------------------------------------------------------------------


@dataclass(eq=False)
class _Audience:
    """A place posts go: a community (its members by joining time) or the whole company."""

    community: Community | None
    scope: str
    topics: tuple[str, ...]
    weight: float
    members: list[int] = field(default_factory=list)
    joined: list[float] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)
    created: float = 0.0
    leaders: list[int] = field(default_factory=list)
    post_ids: list[int] = field(default_factory=list)

    @property
    def shareable(self) -> bool:
        return self.community is None or self.community.kind == Community.Kind.OPEN

    def prefix(self, ts: float) -> int:
        """How many members had joined at that moment."""
        return max(1, bisect.bisect_right(self.joined, ts))

    def pick(self, rng: random.Random, k: int) -> int:
        return self.members[bisect.bisect_left(self.cum, rng.random() * self.cum[k - 1], 0, k - 1)]


@dataclass
class _Chunk:
    posts: list[tuple] = field(default_factory=list)
    post_tags: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    comments: list[list[Any]] = field(default_factory=list)
    reactions: list[tuple] = field(default_factory=list)
    images: list[tuple[int, int, float]] = field(default_factory=list)  # post, uploader, ts


class _Generator:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.volume = VOLUMES[ctx.spec.name]
        self.rng = ctx.rng("posts")
        self.writer = RowWriter()
        self.now = ctx.now.timestamp()
        self.start = (ctx.now - timedelta(days=HISTORY_DAYS)).timestamp()
        local = timezone.localtime(ctx.now)
        self.midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        self.topics = _compile_topics()
        self.share_fragments = [compile_fragment(b) for b in content.SHARE_BODIES]
        self.replies = [compile_fragment(r) for r in content.REPLIES]
        self.people = ctx.people
        self.by_pk: dict[int, PersonPlan] = {p.pk: p for p in self.people}
        self.names = {p.pk: f"{p.first_name} {p.last_name}" for p in self.people}
        for name in self.names.values():
            if '"' in name or "&" in name or "<" in name:
                raise ValueError(f"Demo name {name!r} cannot be filled into HTML as is.")
        self.towns = [t[0] for t in content_towns(ctx)]
        self.firsts = sorted({p.first_name for p in self.people})
        _check_values(self.towns + self.firsts + list(content.ROOMS) + list(content.TIMES))
        weights = [
            8.0 if p.account else min(25.0, self.rng.paretovariate(1.3)) for p in self.people
        ]
        self.activity = {p.pk: w for p, w in zip(self.people, weights, strict=True)}
        self.company = self._everyone(Post.Scope.COMPANY, content.COMPANY_TOPICS, 25.0)
        self.profile = self._everyone(Post.Scope.PROFILE, content.PROFILE_TOPICS, 10.0)
        self.audiences = [self.company, self.profile, *self._communities()]
        self.tag_ids: dict[str, int] = {}
        self.next_post_id = (Post.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.next_comment_id = (Comment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.counts = {"posts": 0, "comments": 0, "reactions": 0, "images": 0}
        self.shareable_recent: list[int] = []
        self.image_files: list[tuple[str, str, str, str, int, int, int]] = []

    # -- audiences --

    def _everyone(self, scope: str, topics: tuple[str, ...], weight: float) -> _Audience:
        aud = _Audience(community=None, scope=scope, topics=topics, weight=weight)
        aud.members = [p.pk for p in self.people]
        aud.joined = [0.0] * len(aud.members)
        total = 0.0
        for pk in aud.members:
            total += self.activity[pk]
            aud.cum.append(total)
        return aud

    def _communities(self) -> list[_Audience]:
        rows = Membership.objects.values_list("community_id", "user_id", "joined_at", "role")
        by_community: dict[int, list[tuple[float, int, str]]] = {}
        for community_id, user_id, joined_at, role in rows.order_by("community_id", "id"):
            by_community.setdefault(community_id, []).append((joined_at.timestamp(), user_id, role))
        audiences = []
        total_members = sum(len(v) for v in by_community.values()) or 1
        for community in self.ctx.communities:
            members = sorted(by_community.get(community.pk, []), key=lambda m: (m[0], m[1]))
            if not members:
                continue
            topics = content.COMMUNITY_TOPICS.get(community.name, content.GENERAL_TOPICS)
            boost = 2.0 if community.name in ("Connectoren", "Working Out Loud") else 1.0
            aud = _Audience(
                community=community,
                scope=Post.Scope.COMMUNITY,
                topics=topics,
                weight=65.0 * boost * (len(members) ** 0.8) / (total_members**0.8),
                created=community.created_at.timestamp(),
            )
            total = 0.0
            for joined, user_id, role in members:
                aud.members.append(user_id)
                aud.joined.append(joined)
                total += self.activity.get(user_id, 1.0)
                aud.cum.append(total)
                if role in (Membership.Role.OWNER, Membership.Role.MODERATOR):
                    aud.leaders.append(user_id)
            audiences.append(aud)
        # Communities share the 65 % of posts that are not company-wide or on profiles.
        community_weight = sum(a.weight for a in audiences) or 1.0
        for aud in audiences:
            aud.weight = aud.weight * 65.0 / community_weight
        return audiences

    # -- time --

    def _moment(self, earliest: float) -> float:
        """A moment in office hours between ``earliest`` and now."""
        rng = self.rng
        earliest = max(earliest, self.start)
        days = max(1, int((self.now - earliest) // DAY))
        for _attempt in range(8):
            ts = self.midnight - rng.randrange(days) * DAY + rng.uniform(7 * 3600, 19 * 3600)
            if earliest <= ts <= self.now:
                return ts
        return rng.uniform(earliest, self.now)

    # -- text --

    def _values(
        self, slots: Iterable[str], members: Sequence[int], k: int, author: int
    ) -> dict[str, str]:
        """Values for the slots the chosen paragraphs use; people from the first k members."""
        rng = self.rng
        values: dict[str, str] = {}
        for slot in slots:
            if slot in values:
                continue
            if slot in _MENTION_SLOTS:
                pk = members[rng.randrange(k)]
                if pk == author and k > 1:
                    pk = members[rng.randrange(k)]
                values[slot] = self.by_pk[pk].username
                values[f"d{slot[1:]}"] = self.names[pk]
            elif slot == "town":
                values[slot] = rng.choice(self.towns)
            elif slot == "first":
                values[slot] = rng.choice(self.firsts)
            elif slot == "weekday":
                values[slot] = rng.choice(content.WEEKDAYS)
            elif slot == "date":
                values[slot] = f"{rng.randint(1, 28)}. {rng.choice(content.MONTHS)}"
            elif slot == "time":
                values[slot] = rng.choice(content.TIMES)
            elif slot == "n":
                values[slot] = str(rng.randint(2, 9))
            else:
                values[slot] = rng.choice(content.ROOMS)
        return values

    def _compose(
        self, fragments: Sequence[Fragment], values: dict[str, str]
    ) -> tuple[str, str, list[str], list[str]]:
        sources: list[str] = []
        htmls: list[str] = []
        tags: list[str] = []
        mentioned: list[str] = []
        for fragment in fragments:
            source, html = fragment.fill(values)
            sources.append(source)
            htmls.append(html)
            tags.extend(fragment.tags)
            mentioned.extend(values[slot] for slot in fragment.mentions)
        return (
            "\n\n".join(sources),
            "".join(htmls),
            list(dict.fromkeys(tags)),
            list(dict.fromkeys(mentioned)),
        )

    def _post_fragments(self, topic: CompiledTopic) -> list[Fragment]:
        rng = self.rng
        chosen = [f for group in topic.groups if (f := rng.choice(group)) is not None]
        if topic.tag_lines and rng.random() < 0.75:
            chosen.append(rng.choice(topic.tag_lines))
        return chosen

    # -- the posts --

    def run(self) -> None:
        ctx, rng, volume = self.ctx, self.rng, self.volume
        self._create_tags()
        weights = [a.weight for a in self.audiences]
        plan = []
        for index in range(volume.posts):
            aud = rng.choices(self.audiences, weights)[0]
            plan.append((self._moment(aud.created + DAY), index, aud))
        plan.sort(key=lambda item: (item[0], item[1]))
        bar = ctx.progress("Posts, comments and reactions", volume.posts)
        per_post_comments = volume.comments / volume.posts
        per_post_reactions = volume.post_reactions / volume.posts
        per_comment_reactions = volume.comment_reactions / max(1, volume.comments)
        self.rates = (per_post_comments, per_post_reactions, per_comment_reactions)
        for start in range(0, len(plan), volume.chunk):
            chunk = _Chunk()
            for ts, _index, aud in plan[start : start + volume.chunk]:
                self._post(chunk, ts, aud)
            self._flush(chunk)
            bar.update(min(volume.chunk, len(plan) - start))
        bar.close()
        self._pin()
        self._reset_sequences()

    def _create_tags(self) -> None:
        names: set[str] = set()
        for topic in self.topics.values():
            for group in topic.groups:
                for fragment in group:
                    if fragment is not None:
                        names.update(fragment.tags)
            for line in topic.tag_lines:
                names.update(line.tags)
        existing = dict(Tag.objects.values_list("name", "id"))
        created_at = datetime.fromtimestamp(self.start, UTC)
        Tag.objects.bulk_create(
            [Tag(name=n, created_at=created_at) for n in sorted(names - set(existing))],
            ignore_conflicts=True,
        )
        self.tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))

    def _post(self, chunk: _Chunk, ts: float, aud: _Audience) -> None:
        rng = self.rng
        post_id = self.next_post_id
        self.next_post_id += 1
        k = aud.prefix(ts)
        author = aud.pick(rng, k)
        shared = None
        topic = self.topics[rng.choice(aud.topics)]
        if self.shareable_recent and rng.random() < SHARE_SHARE:
            shared = rng.choice(self.shareable_recent[-200:])
            fragments = [rng.choice(self.share_fragments)]
        else:
            fragments = self._post_fragments(topic)
        values = self._values([slot for f in fragments for slot in f.slots], aud.members, k, author)
        body, html, tags, mentioned = self._compose(fragments, values)
        for tag in tags:
            chunk.post_tags.append((post_id, self.tag_ids[tag]))
        mentioned_pks = [self.pk_of(u) for u in mentioned]
        for pk in mentioned_pks:
            chunk.mentions.append((post_id, None, pk))
        # Comments first: the post row carries their number.
        n_comments = min(40, int(rng.expovariate(1.0 / (self.rates[0] + 0.5))))
        comment_ts = ts
        top_level: list[list[Any]] = []
        comments = []
        for _j in range(n_comments):
            comment_ts = min(self.now, comment_ts + rng.expovariate(1.0 / (4 * 3600)) + 1)
            if comment_ts >= self.now:
                break
            c_author = aud.pick(rng, aud.prefix(comment_ts))
            parent = None
            if top_level and rng.random() < REPLY_SHARE:
                parent = rng.choice(top_level)
                fragment = rng.choice(self.replies)
                c_values = self._values(fragment.slots, aud.members, k, author)
                c_values["m0"] = self.by_pk[parent[2]].username
                c_values["d0"] = self.names[parent[2]]
            else:
                fragment = rng.choice(topic.comments)
                c_values = self._values(fragment.slots, aud.members, k, author)
            c_body, c_html = fragment.fill(c_values)
            c_mentions = [self.pk_of(c_values[s]) for s in fragment.mentions]
            n_reactions = int(rng.expovariate(1.0 / (self.rates[2] + 0.5)))
            # [ts, post, author, parent, body, html, mentions, reactions, id, pool size]
            row = [comment_ts, post_id, c_author, parent, c_body, c_html, c_mentions, n_reactions,
                   None, aud.prefix(comment_ts), aud]  # fmt: skip
            comments.append(row)
            if parent is None:
                top_level.append(row)
        chunk.comments.extend(comments)
        reactors = self._reactors(aud, k, int(rng.expovariate(1.0 / (self.rates[1] + 0.5))))
        for user_id, kind in reactors:
            r_ts = min(self.now, ts + rng.expovariate(1.0 / (8 * 3600)))
            chunk.reactions.append((user_id, post_id, None, kind, self.writer.dt(r_ts)))
        has_image = not shared and rng.random() < topic.image_share
        if has_image:
            for _n in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
                chunk.images.append((post_id, author, ts))
        community_id = aud.community.pk if aud.community else None
        chunk.posts.append(
            (post_id, author, aud.scope, community_id, body, html, self.writer.dt(ts),
             shared, len(comments), len(reactors))
        )  # fmt: skip
        aud.post_ids.append(post_id)
        if aud.shareable and not shared:
            self.shareable_recent.append(post_id)
            if len(self.shareable_recent) > 2000:
                del self.shareable_recent[:1000]

    def pk_of(self, username: str) -> int:
        return self.username_pk[username]

    @property
    def username_pk(self) -> dict[str, int]:
        cached: dict[str, int] | None = getattr(self, "_username_pk", None)
        if cached is None:
            cached = self._username_pk = {p.username: p.pk for p in self.people}
        return cached

    def _reactors(self, aud: _Audience, k: int, n: int) -> list[tuple[int, str]]:
        if n <= 0:
            return []
        rng = self.rng
        picks = rng.sample(range(k), min(n, k))
        kinds = rng.choices(
            [kind for kind, _w in REACTION_KINDS], [w for _k, w in REACTION_KINDS], k=len(picks)
        )
        return [(aud.members[i], kind) for i, kind in zip(picks, kinds, strict=True)]

    def _flush(self, chunk: _Chunk) -> None:
        writer, rng = self.writer, self.rng
        writer.write(
            Post,
            ["id", "author", "scope", "community", "body", "body_html", "created_at",
             "shared_post", "comment_count", "reaction_count"],
            chunk.posts,
        )  # fmt: skip
        writer.write(Post.tags.through, ["post", "tag"], chunk.post_tags)
        # Comments of all posts in the chunk get their ids in the order they were written.
        chunk.comments.sort(key=lambda c: (c[0], c[1]))
        comment_rows, comment_reactions = [], []
        mentions = list(chunk.mentions)
        for c in chunk.comments:
            c[8] = self.next_comment_id
            self.next_comment_id += 1
            parent_id = c[3][8] if c[3] is not None else None
            reactors = self._reactors(c[10], c[9], c[7])
            comment_rows.append(
                (c[8], c[1], c[2], parent_id, c[4], c[5], writer.dt(c[0]), len(reactors))
            )
            mentions.extend((None, c[8], pk) for pk in dict.fromkeys(c[6]))
            for user_id, kind in reactors:
                r_ts = min(self.now, c[0] + rng.expovariate(1.0 / (6 * 3600)))
                comment_reactions.append((user_id, None, c[8], kind, writer.dt(r_ts)))
        writer.write(
            Comment,
            ["id", "post", "author", "parent", "body", "body_html", "created_at",
             "reaction_count"],
            comment_rows,
        )  # fmt: skip
        writer.write(Mention, ["post", "comment", "user"], mentions)
        reactions = chunk.reactions + comment_reactions
        writer.write(Reaction, ["user", "post", "comment", "kind", "created_at"], reactions)
        self._attachments(chunk.images)
        self.counts["posts"] += len(chunk.posts)
        self.counts["comments"] += len(comment_rows)
        self.counts["reactions"] += len(reactions)
        self.counts["images"] += len(chunk.images)

    # -- images --

    def _attachments(self, images: list[tuple[int, int, float]]) -> None:
        if not images:
            return
        rows = []
        for post_id, uploader, ts in images:
            stored = self._image_file(self.rng.randrange(len(content.IMAGES)))
            name, thumb, original, content_type, size, width, height = stored
            rows.append(
                (uploader, post_id, Attachment.Kind.IMAGE.value, name, thumb, original,
                 content_type, size, width, height, self.writer.dt(ts))
            )  # fmt: skip
        self.writer.write(
            Attachment,
            ["uploader", "post", "kind", "file", "thumbnail", "original_name", "content_type",
             "size", "width", "height", "created_at"],
            rows,
        )  # fmt: skip

    def _image_file(self, index: int) -> tuple[str, str, str, str, int, int, int]:
        """Stored names of one of the demo pictures: shared in the large size, else a copy."""
        if self.volume.shared_files:
            while len(self.image_files) < len(content.IMAGES):
                self.image_files.append(_store_image(len(self.image_files)))
            return self.image_files[index]
        return _store_image(index)

    # -- pins --

    def _pin(self) -> None:
        """Each community with posts has its newest post of the first month pinned by a leader."""
        for aud in self.audiences:
            if aud.community is None or not aud.post_ids or not aud.leaders:
                continue
            post_id = aud.post_ids[min(len(aud.post_ids) - 1, 3)]
            by = aud.leaders[0]
            Post.objects.filter(pk=post_id).update(pinned_at=self.ctx.now, pinned_by_id=by)

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [Post, Comment])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def content_towns(ctx: DemoContext) -> list[tuple[str, str, str, int]]:
    from hanse.demo import data  # the large word lists load only when content is made

    return list(data.TOWNS[: ctx.spec.branches])


# --- Pictures -------------------------------------------------------------------------------

_IMAGE_CACHE: dict[int, tuple[bytes, bytes, str, int, int]] = {}
IMAGE_SIZE = (960, 640)


# Pillow's bundled font has no umlauts ("Küste" came out as "K?ste"): a system font with
# them where one is installed, else the bundled one.
_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_FILES:
        try:
            return ImageFont.truetype(path, size=size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _draw_image(index: int) -> tuple[bytes, bytes, str, int, int]:
    """A simple picture: a chart, a board of sticky notes or a photo-like gradient."""
    if index in _IMAGE_CACHE:
        return _IMAGE_CACHE[index]
    _name, title, kind = content.IMAGES[index]
    rng = random.Random(index)
    width, height = IMAGE_SIZE
    image = Image.new("RGB", IMAGE_SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    if kind == "photo":
        top = (rng.randint(30, 120), rng.randint(90, 170), rng.randint(170, 240))
        bottom = (rng.randint(200, 255), rng.randint(140, 210), rng.randint(60, 140))
        for y in range(height):
            t = y / height
            colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
            draw.line([(0, y), (width, y)], fill=colour)
        for _i in range(6):
            x, y, r = rng.randint(0, width), rng.randint(height // 2, height), rng.randint(40, 160)
            shade = (rng.randint(20, 80), rng.randint(60, 120), rng.randint(30, 80))
            draw.ellipse([x - r, y - r // 2, x + r, y + r // 2], fill=shade)
        draw.rectangle([0, height - 90, width, height], fill=(0, 0, 0))
        draw.text((32, height - 70), title, fill=(255, 255, 255), font=_font(40))
        fmt, content_type = "JPEG", "image/jpeg"
    elif kind == "bars":
        draw.text((40, 30), title, fill=(30, 30, 30), font=_font(36))
        labels = ("Nord", "Ost", "Süd", "West", "Mitte") if "Region" in title else (
            "Jan", "Feb", "Mär", "Apr", "Mai", "Jun")  # fmt: skip
        bar_w = (width - 120) // len(labels)
        for i, label in enumerate(labels):
            value = rng.randint(30, 95)
            x0 = 80 + i * bar_w
            y0 = height - 80 - int((height - 200) * value / 100)
            draw.rectangle([x0, y0, x0 + bar_w - 30, height - 80], fill=(226, 0, 26))
            draw.text((x0, height - 70), label, fill=(60, 60, 60), font=_font(24))
            draw.text((x0, y0 - 32), f"{value} %", fill=(60, 60, 60), font=_font(22))
        fmt, content_type = "PNG", "image/png"
    else:
        draw.rectangle([0, 0, width, height], fill=(245, 245, 240))
        draw.text((40, 24), title, fill=(30, 30, 30), font=_font(34))
        notes = ("Was lief gut?", "Was lernen wir?", "Nächster Schritt", "Danke!", "Experiment",
                 "Fragen", "Ideen", "Feedback")  # fmt: skip
        colours = ((255, 235, 120), (170, 220, 255), (255, 190, 200), (190, 240, 180))
        for i in range(8):
            x, y = 40 + (i % 4) * 225, 110 + (i // 4) * 250
            draw.rectangle([x, y, x + 200, y + 200], fill=colours[i % len(colours)])
            draw.text((x + 14, y + 16), notes[i], fill=(40, 40, 40), font=_font(22))
        fmt, content_type = "PNG", "image/png"
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 82} if fmt == "JPEG" else {"optimize": True}))
    thumb = image.copy()
    thumb.thumbnail((640, 640))
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="WEBP", quality=80)
    _IMAGE_CACHE[index] = (out.getvalue(), thumb_out.getvalue(), content_type, width, height)
    return _IMAGE_CACHE[index]


def _store_image(index: int) -> tuple[str, str, str, str, int, int, int]:
    data, thumb, content_type, width, height = _draw_image(index)
    file_field = Attachment._meta.get_field("file")
    thumb_field = Attachment._meta.get_field("thumbnail")
    if not isinstance(file_field, models.FileField) or not isinstance(
        thumb_field, models.FileField
    ):
        raise TypeError("Attachment.file and .thumbnail are file fields.")
    # The names upload_to gives (random, nothing about the post or person); one storage save
    # per picture.
    blank = Attachment()
    name = file_field.storage.save(file_field.generate_filename(blank, "upload"), ContentFile(data))
    thumb_name = thumb_field.storage.save(
        thumb_field.generate_filename(blank, "thumb.webp"), ContentFile(thumb)
    )
    original = content.IMAGES[index][0]
    return name, thumb_name, original, content_type, len(data), width, height


# --- Tag follows, bookmarks, announcements ---------------------------------------------------


def _tag_follows(ctx: DemoContext, rng: random.Random, tag_ids: dict[str, int]) -> int:
    followable = [t for t in content.FOLLOWED_TAGS if t in tag_ids]
    rows: list[TagFollow] = []
    for person in ctx.people:
        k = 3 if person.account else rng.choice((0, 0, 1, 1, 2, 3))
        rows.extend(
            TagFollow(
                user_id=person.pk,
                tag_id=tag_ids[name],
                created_at=ctx.when(rng, days_ago_min=0, days_ago_max=HISTORY_DAYS),
            )
            for name in rng.sample(followable, min(k, len(followable)))
        )
    TagFollow.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _bookmarks(ctx: DemoContext, rng: random.Random, gen: _Generator) -> int:
    member_of: dict[int, list[_Audience]] = {}
    for aud in gen.audiences:
        if aud.community is not None and aud.post_ids:
            for pk in aud.members:
                member_of.setdefault(pk, []).append(aud)
    rows = []
    for person in ctx.people:
        k = 4 if person.account else rng.choice((0, 0, 1, 2, 3))
        places = [gen.company, *member_of.get(person.pk, [])]
        chosen: set[int] = set()
        for _i in range(k):
            aud = rng.choice(places)
            if aud.post_ids:
                chosen.add(rng.choice(aud.post_ids[-500:]))
        rows += [
            Bookmark(
                user_id=person.pk,
                post_id=post_id,
                created_at=ctx.when(rng, days_ago_min=0, days_ago_max=30),
            )
            for post_id in sorted(chosen)
        ]
    Bookmark.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _announcements(ctx: DemoContext, rng: random.Random) -> tuple[int, int]:
    communicators = [
        p
        for p in ctx.people
        if p.unit.name == "Interne Kommunikation"
        or (p.unit.parent is not None and p.unit.parent.name == "Interne Kommunikation")
    ]
    if not communicators:
        communicators = [
            p
            for p in ctx.people
            if p.unit.division is not None and p.unit.division.name == "Marketing & Kommunikation"
        ]
    if not communicators:
        communicators = [ctx.accounts["admin"]]
    group, created = Group.objects.get_or_create(name=COMMUNICATORS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="posts", codename="publish_announcement")
        )
    group.user_set.add(*[p.pk for p in communicators])
    divisions = {u.name: u for u in ctx.units if u.parent is not None and u.division is u}
    reads: list[AnnouncementRead] = []
    made = 0
    for plan in content.ANNOUNCEMENTS:
        targets = [divisions[name] for name in plan.divisions if name in divisions]
        if plan.divisions and not targets:
            continue
        publish_at = ctx.now - timedelta(days=plan.days_ago, hours=rng.randint(1, 6))
        author = rng.choice(communicators)
        announcement = Announcement.objects.create(
            author_id=author.pk,
            title=plan.title,
            body=plan.body,
            body_html=render_markdown(plan.body),
            is_draft=plan.draft,
            publish_at=publish_at,
            expires_at=(
                publish_at + timedelta(days=plan.expires_in_days) if plan.expires_in_days else None
            ),
            must_read=plan.must_read,
            compliance_list_allowed=plan.compliance,
            created_at=min(publish_at, ctx.now) - timedelta(days=1),
            updated_at=min(publish_at, ctx.now) - timedelta(days=1),
        )
        made += 1
        if targets:
            announcement.audience_units.set([u.obj for u in targets if u.obj is not None])
        if plan.draft or publish_at > ctx.now:
            continue
        audience = [p for p in ctx.people if not targets or p.unit.division in targets]
        for person in audience:
            # The demo accounts have not confirmed the compliance notice yet, so that logging
            # in shows the must-read banner.
            if plan.compliance and person.account:
                continue
            roll = rng.random()
            if roll >= plan.read_share + (0.08 if plan.must_read else 0.0):
                continue
            age = (ctx.now - publish_at).total_seconds()
            read_at = publish_at + timedelta(seconds=rng.uniform(0, age))
            confirmed = plan.must_read and roll < plan.read_share
            reads.append(
                AnnouncementRead(
                    announcement=announcement,
                    user_id=person.pk,
                    read_at=read_at,
                    confirmed_at=read_at if confirmed else None,
                )
            )
    AnnouncementRead.objects.bulk_create(reads, batch_size=2000)
    return made, len(reads)


def _analyze_stream() -> None:
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    tables = [m._meta.db_table for m in (Post, Comment, Reaction, Mention, Attachment)]
    tables.append(Post.tags.through._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def create_posts(ctx: DemoContext) -> None:
    gen = _Generator(ctx)
    gen.run()
    rng = ctx.rng("posts-extras")
    follows = _tag_follows(ctx, rng, gen.tag_ids)
    bookmarks = _bookmarks(ctx, rng, gen)
    announcements, reads = _announcements(ctx, rng)
    # The planner's statistics for the tables just filled, once the demo is committed: on
    # SQLite an ANALYZE inside the open transaction marks the schema as changed, and every
    # rollback to a savepoint until the commit then reloads it (about 3 ms for the next
    # statement). A demo seeded inside a transaction that is rolled back (the tests) gets none.
    transaction.on_commit(_analyze_stream)
    ctx.counts.update(gen.counts)
    ctx.counts["tag follows"] = follows
    ctx.counts["bookmarks"] = bookmarks
    ctx.counts["announcements"] = announcements
    ctx.counts["announcement reads"] = reads
