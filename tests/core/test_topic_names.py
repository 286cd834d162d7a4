"""Topic names are spelled once: pages get them from the registry (``{% topic %}``), scripts
read them from the page, and nothing spells ``chat:12`` by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from hanse.realtime import topics

ROOT = Path(__file__).resolve().parents[2] / "hanse"
TEMPLATES = sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)
SCRIPTS = sorted(p for p in ROOT.rglob("*.js") if "static" in p.parts and "vendor" not in p.parts)
# Attributes that carry topic names to the scripts (hanse/realtime/static/realtime/live.js,
# hanse/chat/static/chat/chat.js).
TOPIC_ATTRIBUTE = re.compile(r'data-live-topics?="([^"]*)"')
TOPIC_TAG = re.compile(r"""\{%\s*topic\s+["'](\w+)["']""")
# "chat:", `post:${id}` and the like: a topic spelled by hand (a kind, a colon, an id).
HAND_SPELLED = re.compile(r"""["'`](\w+):(\$\{|\d|["'`])""")


def _kinds() -> set[str]:
    return topics.kinds()


def _hand_spelled(line: str) -> bool:
    """A string in a script that starts with a topic kind and a colon (``"post:5"``)."""
    return any(match.group(1) in _kinds() for match in HAND_SPELLED.finditer(line))


def test_the_registry_knows_the_kinds_pages_use() -> None:
    """Every app registered its kinds: chat, post, community, author, tag, company, feed."""
    assert {"chat", "post", "community", "author", "tag", "company", "feed"} <= _kinds()


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_names_topics_through_the_registry(path: Path) -> None:
    """A topic attribute holds only ``{% topic %}`` tags, each of a kind the registry
    knows."""
    source = path.read_text()
    for value in TOPIC_ATTRIBUTE.findall(source):
        spelled = TOPIC_TAG.sub("", re.sub(r"\{%\s*topic[^%]*%\}", "", value)).strip()
        assert not spelled, f"{path.name} spells a topic by hand: {value!r}"
    unknown = set(TOPIC_TAG.findall(source)) - _kinds()
    assert not unknown, f"{path.name} names topic kinds the registry does not know: {unknown}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_script_spells_no_topic(path: Path) -> None:
    """Scripts take topic names from the page (data-live-topic[s]), never build them."""
    lines = [
        line
        for line in path.read_text().splitlines()
        if not line.strip().startswith("//") and _hand_spelled(line)
    ]
    assert not lines, f"{path.name} builds topic names itself:\n" + "\n".join(lines)


def test_the_tag_renders_the_registry_names() -> None:
    """``{% topic %}`` renders what topics.chat() & co. build, and refuses an unknown kind."""
    page = Template(
        "{% load live_topics %}{% topic 'chat' 12 %} {% topic 'post' '5' %} "
        "{% topic 'community' 3 %} {% topic 'tag' '#Hanse' %} {% topic 'feed' %}"
    ).render(Context())
    assert page == " ".join(
        [topics.chat(12), topics.post(5), topics.community(3), topics.tag("hanse"), topics.FEED]
    )
    with pytest.raises(ValueError, match="Unknown topic"):
        Template("{% load live_topics %}{% topic 'chats' 12 %}").render(Context())


def test_the_check_finds_a_hand_spelled_topic() -> None:
    """The patterns above catch what they are for (and leave ordinary text alone)."""
    assert TOPIC_ATTRIBUTE.findall('<div data-live-topics="post:{{ post.pk }}">') == [
        "post:{{ post.pk }}"
    ]
    assert _hand_spelled("const t = `chat:${id}`;")
    assert _hand_spelled('subscribe(["post:5"])')
    assert not _hand_spelled('const when = "12:30";')
    assert not _hand_spelled('const url = "https://example.org";')
