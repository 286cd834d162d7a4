"""Text extraction: one real file per type, and the files that must not hurt the worker
(corrupt, password-protected, too big, a zip bomb, a parser that takes too long)."""

from __future__ import annotations

import pytest

from hanse.search import extract
from hanse.search.extract import DOCX, PDF, PPTX, XLSX, Limits
from tests.search import documents

ODT = "application/vnd.oasis.opendocument.text"


def test_pdf_text_of_every_page() -> None:
    """Each page's text is found, umlauts intact."""
    result = extract.extract(
        documents.pdf("Baufinanzierung für Familie Müller", "Zinsbindung 15 Jahre"), PDF
    )
    assert result.status == extract.OK
    assert "Baufinanzierung für Familie Müller" in result.text
    assert "Zinsbindung 15 Jahre" in result.text
    assert not result.truncated


def test_docx_paragraphs_and_tables() -> None:
    """Paragraphs and table cells of a Word document."""
    data = documents.docx(
        "Kreditantrag der Filiale Husum", table=[["Sollzins", "3,1 %"], ["Laufzeit", "10 Jahre"]]
    )
    result = extract.extract(data, DOCX)
    assert result.status == extract.OK
    assert "Kreditantrag der Filiale Husum" in result.text
    assert "Sollzins | 3,1 %" in result.text


def test_xlsx_sheet_names_and_cells() -> None:
    """The sheet's name and its values (numbers as shown), empty cells left out."""
    data = documents.xlsx([["Produkt", "Zins"], ["Ratenkredit", 5.9], [None, "Tagesgeld"]])
    result = extract.extract(data, XLSX)
    assert result.status == extract.OK
    assert result.text.splitlines() == [
        "Konditionen",
        "Produkt Zins",
        "Ratenkredit 5.9",
        "Tagesgeld",
    ]


def test_pptx_titles_bodies_and_notes() -> None:
    """A slide's title, body and speaker notes."""
    data = documents.pptx(
        "Quartalszahlen", "Wachstum im Firmenkundengeschäft", notes="Dank an das Team Nord"
    )
    result = extract.extract(data, PPTX)
    assert result.status == extract.OK
    for words in ("Quartalszahlen", "Wachstum im Firmenkundengeschäft", "Dank an das Team Nord"):
        assert words in result.text


def test_odt_in_document_order() -> None:
    """An OpenDocument text: heading first, then paragraphs, in order."""
    data = documents.odt(
        "Bargeld zählen zu zweit.", "Tresor nur mit Vier-Augen-Prinzip.", heading="Kasse"
    )
    result = extract.extract(data, ODT)
    assert result.status == extract.OK
    assert result.text.splitlines() == [
        "Kasse",
        "Bargeld zählen zu zweit.",
        "Tresor nur mit Vier-Augen-Prinzip.",
    ]


def test_plain_text_and_csv() -> None:
    """Text files as they are; a byte that is not UTF-8 does not stop the rest."""
    result = extract.extract("Protokoll Straße\nPunkt 2".encode() + b"\xff", "text/plain")
    assert result.status == extract.OK
    assert result.text.startswith("Protokoll Straße\nPunkt 2")
    assert extract.extract(b"Name;Filiale\nMeier;Kiel\n", "text/csv").text == (
        "Name;Filiale\nMeier;Kiel"
    )


def test_corrupt_pdf_fails_softly() -> None:
    """A broken PDF is "failed" with the parser's reason, not an exception."""
    result = extract.extract(b"%PDF-1.7\n" + b"\x00garbage" * 200, PDF)
    assert result.status == extract.FAILED
    assert result.text == ""
    assert result.detail


def test_truncated_docx_is_failed() -> None:
    """A zip cut in half (an interrupted upload) is "failed"."""
    data = documents.docx("Dienstanweisung")
    assert extract.extract(data[: len(data) // 2], DOCX).status == extract.FAILED


def test_password_protected_pdf() -> None:
    """A PDF that needs a password is "encrypted": nothing of it is read."""
    result = extract.extract(documents.encrypted_pdf("Gehaltsliste Vorstand"), PDF)
    assert result.status == extract.ENCRYPTED
    assert "Gehaltsliste" not in result.text


def test_pdf_with_empty_user_password_opens() -> None:
    """A PDF "protected" only against printing (empty user password) is read."""
    data = documents.encrypted_pdf("Aushang Betriebsausflug", password="")
    result = extract.extract(data, PDF)
    assert result.status == extract.OK
    assert "Aushang Betriebsausflug" in result.text


def test_too_many_bytes_are_not_read() -> None:
    """Over the byte bound the file is "too_large" before a parser sees it."""
    data = documents.pdf("Großer Bericht")
    result = extract.extract(data, PDF, Limits(max_bytes=len(data) - 1))
    assert result.status == extract.TOO_LARGE


def test_zip_bomb_is_refused_before_unpacking() -> None:
    """A 300 kB "DOCX" that unpacks to 300 MB is "too_large", and quickly."""
    bomb = documents.zip_bomb_docx(300)
    assert len(bomb) < 1_000_000
    result = extract.extract(bomb, DOCX, Limits(timeout=10))
    assert result.status == extract.TOO_LARGE


def test_characters_are_bounded() -> None:
    """At most max_chars characters are kept, and the result says it was cut."""
    pages = [f"Seite {n}: " + "Kundenberatung " * 40 for n in range(20)]
    result = extract.extract(documents.pdf(*pages), PDF, Limits(max_chars=1000))
    assert result.status == extract.OK
    assert result.truncated
    assert len(result.text) <= 1000
    assert result.text.startswith("Seite 0:")


def test_a_parser_past_its_time_is_stopped() -> None:
    """The child is killed at the timeout and the file is "failed" with the reason."""
    pages = [f"Seite {n}" for n in range(50)]
    result = extract.extract(documents.pdf(*pages), PDF, Limits(timeout=0.01))
    assert result.status == extract.FAILED
    assert "timed out" in result.detail


def test_memory_is_bounded() -> None:
    """A child over its address-space limit ends as an answer, never by exhausting the host."""
    # 40 MB of distinct cell text (each string is kept once in the shared-strings table): it
    # cannot fit in a 40 MB address space together with the interpreter, whatever the machine.
    # No character bound stops the reading early. A small sheet fitted on some machines and not
    # on others.
    filler = "x" * 5000
    data = documents.xlsx([[f"{r}-{c}-{filler}" for c in range(10)] for r in range(800)])
    result = extract.extract(
        data,
        XLSX,
        Limits(max_memory=40 * 1024 * 1024, max_unpacked=200 * 1024 * 1024, max_chars=10**9),
    )
    assert result.status == extract.TOO_LARGE
    assert result.text == ""


@pytest.mark.parametrize("content_type", ["image/png", "application/zip", "text/html"])
def test_types_without_text_are_not_parsed(content_type: str) -> None:
    assert extract.extract(b"\x89PNG....", content_type).status == extract.UNSUPPORTED


def test_scanned_pdf_without_text_is_empty() -> None:
    """A PDF whose pages hold no text (a scan) is "empty"."""
    assert extract.extract(documents.pdf(""), PDF).status == extract.EMPTY


def test_control_characters_are_removed() -> None:
    """Text from a file never carries control characters into the index."""
    result = extract.extract(b"Zeile\x00eins\x1b[31m rot\x07", "text/plain")
    assert result.status == extract.OK
    assert result.text == "Zeile eins [31m rot"


def test_file_type_facet_names() -> None:
    assert extract.file_type_of(PDF) == "pdf"
    assert extract.file_type_of(ODT) == "odt"
    assert extract.file_type_of("image/webp") == "image"
    assert extract.file_type_of("application/x-unknown") == "other"
