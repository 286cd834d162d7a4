"""The German catalogs address the reader with "du" only, never with the formal "Sie"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "hanse" / "locale" / "de" / "LC_MESSAGES"

# "Sie", "Ihr", "Ihnen" ... with a capital letter. Inside a sentence that is always the formal
# address; at the start of a sentence it may also mean "she", "they", "it" or "their".
FORMAL = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihres)\b")
SENTENCE_START = re.compile(r"(^|[.!?:;\u2013\u201e(]\s*)$")

# Translations whose capitalised "Sie"/"Ihr..." starts a sentence and means she/they/it/their,
# keyed by msgid. A new entry here needs a reading of the German, not just of the regex.
# Where "Ihre" (their) would stand next to the reader's "dein", write "deren" instead.
THIRD_PERSON = {
    "The community has no chat yet. Its members can start it.",
    "Only members know it exists. It does not appear in the directory or in search. People "
    "join by invitation only.",
    "This community is private. Its posts and members are visible to members only.",
    "Your subscription address is ready. Copy it now: it is shown only once.",
    "Restore version %(number)s? It becomes a new version; nothing is lost.",
    "They are told honestly and may join the next round or a circle with room.",
    "Connectors are colleagues from every department and branch who help with new tools and "
    "ways of working. Ask them anything: they are happy to help.",
    "Discard this task for good? It will not run.",
    "Hanse can show whether the bank grows together: whether people work across departments "
    "and branches, and where silos open up. It is built to be useful to the organisation and "
    "useless for watching a person.",
    "Colleagues who write the idea with you: user names, separated by commas. They can edit it "
    "and are named on it.",
    "Meetups are for Connectoren: they are announced in their community.",
    "The answer from your identity provider could not be accepted: it may have expired or been "
    "changed on the way. Please try again.",
    "Colleagues who write the idea with you: user names, separated by commas. They are asked "
    "first; once they accept, they can edit it and are named on it.",
    "nobody else is left: it will have no owner.",
    "The audit log is not changed (tamper-evident; Art. 17(3)(b) GDPR): its entries, among "
    "them “erasure requested” and “erasure completed” with who asked and the policy, keep the "
    "account's internal number, which names no one after the erasure. They are deleted with "
    "the audit log's retention period. The erasure's own record keeps the policy, who asked, "
    "the counts and the dates, never the person's name or id.",
}
# "Ihr habt ..." addresses several people informally ("you said, we did"): that is "du" too.
INFORMAL_PLURAL = re.compile(r"^Ihr (habt|seid|könnt|wollt|dürft)\b")


def _formal(text: str) -> list[str]:
    """The formal pronouns in one translation that are not allowed to stand there."""
    found = []
    for match in FORMAL.finditer(text):
        if INFORMAL_PLURAL.match(text[match.start() :]):
            continue
        if not SENTENCE_START.search(text[: match.start()]):
            found.append(match.group(0))  # capitalised inside a sentence: formal for sure
        else:
            found.append("?" + match.group(0))  # a sentence start: formal unless third person
    return found


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_german_says_du(domain: str) -> None:
    """No German translation says "Sie" to the reader; the third-person ones are listed."""
    with (LOCALE / f"{domain}.po").open("rb") as po:
        catalog = read_po(po)
    formal = {}
    listed_and_seen = set()
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            hits = _formal(text or "")
            if hits and msgid in THIRD_PERSON and all(hit.startswith("?") for hit in hits):
                listed_and_seen.add(msgid)
                continue
            if hits:
                formal[msgid] = text
    assert formal == {}
    if domain == "django":
        # The list stays true: every entry is still in the catalog and still needs to be there.
        assert listed_and_seen == THIRD_PERSON


def test_the_check_tells_formal_from_third_person() -> None:
    """The rule flags "Sie" said to the reader and lets "sie" meaning they/it pass."""
    assert _formal("Sie haben noch keine Suche gespeichert.") == ["?Sie"]
    assert _formal("Bitte wenden Sie sich an Ihre Administration.") == ["Sie", "Ihre"]
    assert _formal("Kopiere sie jetzt: Sie wird nur einmal angezeigt.") == ["?Sie"]
    assert _formal("Ihr habt gesagt, wir haben gehandelt") == []
    assert _formal("Du hast noch keine Suche gespeichert. Frag sie einfach.") == []
