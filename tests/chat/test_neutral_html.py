"""A live chat message is rendered once for every language: its labels are the source texts,
each marked for chat.js, and each has its German translation in the JavaScript catalog."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from hanse.chat.models import Channel, Message, MessageAttachment
from hanse.chat.rendering import render_message_html
from hanse.chat.selectors import message_queryset

CHAT_JS = Path(settings.BASE_DIR) / "hanse" / "chat" / "static" / "chat" / "chat.js"
# Every string chat.js translates with gettext/ngettext (the labels of neutral messages and
# the file size and time words).
JS_MSGID = re.compile(r'n?gettext\(\s*"([^"]+)"')


def _german_js_catalog() -> gettext.GNUTranslations:
    [folder] = settings.LOCALE_PATHS
    return gettext.translation("djangojs", localedir=folder, languages=["de"])


def _labels(html: str) -> set[str]:
    """The texts chat.js translates in a neutral rendering."""
    texts = set(re.findall(r"data-i18n>([^<]+)<", html))
    texts |= set(re.findall(r'title="([^"]+)" data-i18n-title', html))
    texts |= set(re.findall(r'hx-confirm="([^"]+)"[^>]*data-i18n-confirm', html))
    return texts


def _all_kinds(channel: Channel, post: Callable[..., Any], people: dict[str, Any]) -> list[Any]:
    """Messages that show every label: edited with a file and replies, deleted, by a former
    colleague."""
    edited = post(channel, people["anna"], "Mit Anhang")
    post(channel, people["ben"], "Antwort", parent=edited)
    MessageAttachment.objects.create(
        message=edited,
        kind="file",
        file="chat/x.pdf",
        original_name="x.pdf",
        size=2048,
        content_type="application/pdf",
    )
    Message.objects.filter(pk=edited.pk).update(edited_at=timezone.now() + timedelta(minutes=1))
    deleted = post(channel, people["ben"], "Weg")
    Message.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    former = post(channel, people["ben"], "Tschüs")
    Message.objects.filter(pk=former.pk).update(author=None)
    return list(message_queryset().filter(pk__in=[edited.pk, deleted.pk, former.pk]))


def test_one_rendering_whatever_the_language(
    people: dict[str, Any], private_channel: Channel, post: Callable[..., Any]
) -> None:
    """The neutral rendering is the same in a German and an English request, and in German
    it shows no German label (chat.js puts them in)."""
    for message in _all_kinds(private_channel, post, people):
        with translation.override("de"):
            german = render_message_html(message, None)
        with translation.override("en"):
            english = render_message_html(message, None)
        assert german == english
        assert not {"Bearbeiten", "Löschen", "Antwort", "gelöscht"} & set(
            re.findall(r"\w+", german)
        )


def test_every_label_has_its_german_in_the_javascript_catalog(
    people: dict[str, Any], private_channel: Channel, post: Callable[..., Any]
) -> None:
    """Each marked label of every kind of message, and each string chat.js translates, is
    in the German djangojs catalog (German labels stay intact on live messages)."""
    catalog = _german_js_catalog()
    labels: set[str] = set()
    html = ""
    for message in _all_kinds(private_channel, post, people):
        html = render_message_html(message, None)
        labels |= _labels(html)
    assert {"Edit", "Delete", "Delete this message?", "Like", "(edited)"} <= labels
    assert {"Former colleague", "This message was deleted"} <= labels
    for text in labels | set(JS_MSGID.findall(CHAT_JS.read_text())):
        assert catalog.gettext(text) != text, f"no German for {text!r} in djangojs.po"
    assert catalog.ngettext("%(counter)s reply", "%(counter)s replies", 2) == (
        "%(counter)s Antworten"
    )


def test_marks_are_only_on_the_neutral_rendering(
    people: dict[str, Any], private_channel: Channel, post: Callable[..., Any]
) -> None:
    """A page's own rendering (for a viewer, in their language) carries no marks."""
    message = post(private_channel, people["anna"], "Hallo")
    stored = message_queryset().get(pk=message.pk)
    with translation.override("de"):
        html = render_message_html(stored, people["anna"])
    assert "data-i18n" not in html
    assert "Im Thread antworten" in html and "Bearbeiten" in html
