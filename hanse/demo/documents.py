# ruff: noqa: RUF001 - German typography uses the en dash
"""Shared documents: a few PDF, Word, Excel and PowerPoint files, posted in the communities
they belong to, so that the demo's file search has text inside files to find.

The files are written at seed time with the libraries Hanse already reads them with
(python-docx, openpyxl, python-pptx) and, for PDF, a small writer of its own (one font,
WinAnsi encoding: enough for German text, no extra dependency). They are posted through
``post_create`` like an upload: the upload checks, the file row and its text extraction in the
task queue (or the ``search.extract_files`` schedule) are the real ones.
"""

from __future__ import annotations

import io
import random
import textwrap
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from hanse.communities.models import Community, Membership
from hanse.demo.context import DemoContext
from hanse.people.models import User
from hanse.posts.services.posts import post_create

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


# --- Writers ---------------------------------------------------------------------------------


def _pdf_text(value: str) -> bytes:
    escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def pdf(title: str, paragraphs: list[str]) -> bytes:
    """A plain A4 PDF: the title, then the paragraphs wrapped, as many pages as needed."""
    lines: list[tuple[str, int]] = [(title, 15), ("", 11)]
    for paragraph in paragraphs:
        lines += [(line, 11) for line in textwrap.wrap(paragraph, 88)] + [("", 11)]
    per_page = 50
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the page objects are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids: list[int] = []
    for page in pages:
        stream = b"BT 14 TL 56 790 Td "
        for text, size in page:
            stream += b"/F1 %d Tf (" % size + _pdf_text(text) + b") Tj T* "
        stream += b"ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx(title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx as python_docx  # why: loaded only when the demo writes its documents

    document = python_docx.Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        if text.startswith("## "):
            document.add_heading(text[3:], level=2)
        else:
            document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl  # why: loaded only when the demo writes its documents

    book = openpyxl.Workbook()
    empty = book.active  # the workbook's first, unnamed sheet
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if empty is not None:
        book.remove(empty)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pptx(slides: list[tuple[str, list[str]]]) -> bytes:
    from pptx import Presentation  # why: loaded only when the demo writes its documents

    deck = Presentation()
    for title, bullets in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0] if bullets else ""
        for bullet in bullets[1:]:
            body.add_paragraph().text = bullet
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# --- The documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedFile:
    community: str  # slug
    name: str
    content_type: str
    body: str  # the post it comes with

    def data(self) -> bytes:
        return WRITERS[self.name]()


def _merkblatt() -> bytes:
    return pdf(
        "Merkblatt: Zinsbindung, Sondertilgung und vorzeitige Rückzahlung",
        [
            "Dieses Merkblatt fasst für die Beratung zusammen, was Kundinnen und Kunden vor der "
            "Unterschrift unter einen Darlehensvertrag zur Immobilienfinanzierung wissen "
            "sollten. Es ersetzt nicht die vorvertraglichen Informationen (ESIS-Merkblatt).",
            "1. Sollzinsbindung. Üblich sind 10 oder 15 Jahre. Nach Ablauf wird eine "
            "Anschlussfinanzierung nötig; ein Forward-Darlehen sichert den Zins bis zu 60 "
            "Monate im Voraus gegen einen Aufschlag.",
            "2. Sondertilgung. Unsere Verträge erlauben jährlich bis zu 5 % der "
            "ursprünglichen Darlehenssumme ohne Kosten. Nicht genutzte Rechte verfallen am "
            "Jahresende und können nicht übertragen werden.",
            "3. Tilgungssatzwechsel. Zweimal während der Zinsbindung kann der Tilgungssatz "
            "zwischen 1 % und 5 % geändert werden, jeweils zum Monatsersten.",
            "4. Vorzeitige Rückzahlung. Wer vor Ablauf der Zinsbindung zurückzahlt, schuldet "
            "eine Vorfälligkeitsentschädigung. Nach zehn Jahren ab Vollauszahlung gilt das "
            "gesetzliche Kündigungsrecht mit sechs Monaten Frist (§ 489 BGB).",
            "5. Bereitstellungszinsen. Ab dem vierten Monat nach Zusage berechnen wir 0,25 % "
            "pro Monat auf den nicht abgerufenen Betrag. Bei Neubauten lohnt sich eine "
            "längere bereitstellungszinsfreie Zeit.",
            "Rückfragen: Team Immobilienfinanzierung, Hauptstelle Lübeck, Durchwahl 4410.",
        ],
    )


def _datenschutz() -> bytes:
    return pdf(
        "Leitfaden: Datenschutz am Schalter und am Telefon",
        [
            "Vertrauliche Kundendaten gehören nicht in fremde Ohren. Dieser Leitfaden gilt für "
            "alle Filialen und das Kundenservicecenter.",
            "Am Schalter: Diskretionsabstand einhalten, Bildschirm beim Verlassen des "
            "Platzes sperren (Windows-Taste + L), keine Kontoauszüge offen liegen lassen.",
            "Am Telefon: Vor jeder Auskunft die Legitimation prüfen (Geburtsdatum und "
            "Kundennummer oder Rückruf an die hinterlegte Nummer). Keine Auskünfte an "
            "Angehörige ohne Vollmacht.",
            "Auskunftsersuchen nach Art. 15 DSGVO leiten Sie bitte am selben Tag an die "
            "Datenschutzbeauftragte weiter; die Frist beträgt einen Monat.",
            "Papierunterlagen mit personenbezogenen Daten kommen in die verschlossenen "
            "Datenschutztonnen, nicht ins Altpapier.",
            "Verdacht auf eine Datenpanne? Sofort melden: datenschutz@sparkasse-hanse.example, "
            "auch am Wochenende. Die Meldefrist an die Aufsicht beträgt 72 Stunden.",
        ],
    )


def _protokoll() -> bytes:
    return docx(
        "Protokoll Connectoren-Stammtisch",
        [
            "Ort: Hauptstelle Lübeck, Raum Trave, und online. Moderation: wechselnd.",
            "## 1. Rückblick auf das Barcamp",
            "Rund 60 Teilnehmende aus 18 Filialen. Die Sessions zu Videoberatung und zur "
            "Vertretungsplanung waren am vollsten. Die Dokumentation liegt in der Community.",
            "## 2. Mentoring zwischen Hauptstelle und Filialen",
            "Vorschlag: Tandems für sechs Monate, ein Treffen im Monat, Themen frei wählbar. "
            "Erste Rückmeldungen aus den Filialen sind positiv; gewünscht wird, dass die "
            "Zeit als Arbeitszeit gilt.",
            "## 3. Nächste Schritte",
        ],
        table=[
            ["Aufgabe", "Wer", "Bis"],
            ["Steckbriefe für Tandems entwerfen", "Connectoren Nord", "Ende des Monats"],
            ["Abstimmung mit dem Personalrat", "Moderation", "nächster Stammtisch"],
            ["Fotos vom Barcamp freigeben lassen", "Kommunikation", "zwei Wochen"],
        ],
    )


def _notfallplan() -> bytes:
    return docx(
        "Checkliste: IT-Ausfall in der Filiale",
        [
            "Diese Checkliste hängt in jeder Filiale neben dem Tresorraum aus.",
            "## Sofort",
            "IT-Service-Desk anrufen (Notfallnummer 0451 0000 9999), Uhrzeit notieren, "
            "Filialleitung informieren.",
            "## Kundschaft",
            "Aushang an der Tür anbringen. Bargeldauszahlungen nur gegen Ausweis und mit "
            "Quittung im Notfallformular, höchstens 1.000 Euro je Person und Tag.",
            "## Danach",
            "Alle Notfallbelege am selben Tag nachbuchen, Formular an die Revision.",
        ],
    )


def _schulungsplan() -> bytes:
    return xlsx(
        {
            "Seminare": [
                ["Seminar", "Ausbildungsjahr", "Monat", "Ort", "Dauer (Tage)"],
                ["Kontoführung und Zahlungsverkehr", 1, "September", "Hauptstelle Lübeck", 3],
                ["Verkaufstraining Girokonto", 1, "November", "Online", 2],
                ["Wertpapiergrundlagen", 2, "Februar", "Hauptstelle Lübeck", 4],
                ["Prüfungsvorbereitung Zwischenprüfung", 2, "März", "Bildungszentrum Kiel", 5],
                ["Baufinanzierung kompakt", 3, "Oktober", "Hauptstelle Lübeck", 3],
            ],
            "Ansprechpartner": [
                ["Thema", "Ansprechperson"],
                ["Berufsschule", "Ausbildungsleitung"],
                ["Fahrtkosten", "Personalabteilung"],
            ],
        }
    )


def _nachhaltigkeit() -> bytes:
    return xlsx(
        {
            "Maßnahmen": [
                ["Maßnahme", "Kosten (EUR)", "CO2-Einsparung (t/Jahr)", "Status"],
                ["LED-Beleuchtung in 12 Filialen", 48000, 21.5, "umgesetzt"],
                ["Dienstfahrräder (Jobrad) für Außendienst", 15000, 6.2, "läuft"],
                ["Photovoltaik auf dem Dach der Hauptstelle", 120000, 38.0, "geplant"],
                ["Papierlose Kontoauszüge bewerben", 2500, 3.1, "läuft"],
            ],
        }
    )


def _befragung() -> bytes:
    return pptx(
        [
            (
                "Mobiles Arbeiten: Ergebnisse der Befragung",
                ["412 Antworten aus Hauptstelle und Filialen", "Rücklaufquote 59 %"],
            ),
            (
                "Was gut funktioniert",
                [
                    "Konzentriertes Arbeiten an Analysen und Konzepten",
                    "Weniger Fahrzeit für Kolleginnen und Kollegen aus den Filialen",
                ],
            ),
            (
                "Was fehlt",
                [
                    "Feste Teamtage im Büro",
                    "Bessere Headsets für Videoberatung",
                    "Klare Regeln zur Erreichbarkeit",
                ],
            ),
        ]
    )


WRITERS = {
    "Merkblatt_Zinsbindung_Sondertilgung.pdf": _merkblatt,
    "Leitfaden_Datenschutz_Schalter_Telefon.pdf": _datenschutz,
    "Protokoll_Connectoren-Stammtisch.docx": _protokoll,
    "Checkliste_IT-Ausfall_Filiale.docx": _notfallplan,
    "Schulungsplan_Auszubildende.xlsx": _schulungsplan,
    "Nachhaltigkeit_Massnahmen.xlsx": _nachhaltigkeit,
    "Befragung_Mobiles_Arbeiten.pptx": _befragung,
}

FILES = (
    SharedFile(
        "baufinanzierung-praxisaustausch",
        "Merkblatt_Zinsbindung_Sondertilgung.pdf",
        PDF,
        "Das überarbeitete Merkblatt für die Beratung ist da – bitte ab sofort dieses nehmen.",
    ),
    SharedFile(
        "datenschutz-sprechstunde",
        "Leitfaden_Datenschutz_Schalter_Telefon.pdf",
        PDF,
        "Wie versprochen der Leitfaden aus der letzten Sprechstunde zum Nachlesen.",
    ),
    SharedFile(
        "connectoren",
        "Protokoll_Connectoren-Stammtisch.docx",
        DOCX,
        "Das Protokoll vom letzten Stammtisch. Ergänzungen gern in den Kommentaren.",
    ),
    SharedFile(
        "it-sicherheit",
        "Checkliste_IT-Ausfall_Filiale.docx",
        DOCX,
        "Die aktualisierte Checkliste für den Ernstfall. Bitte in jeder Filiale aushängen.",
    ),
    SharedFile(
        "azubis-und-duale-studierende",
        "Schulungsplan_Auszubildende.xlsx",
        XLSX,
        "Hier ist der Seminarplan für alle Ausbildungsjahrgänge.",
    ),
    SharedFile(
        "nachhaltigkeit",
        "Nachhaltigkeit_Massnahmen.xlsx",
        XLSX,
        "Unsere Übersicht: was wir schon umgesetzt haben und was noch kommt.",
    ),
    SharedFile(
        "mobiles-arbeiten-und-neue-arbeitswelten",
        "Befragung_Mobiles_Arbeiten.pptx",
        PPTX,
        "Die Folien zur Befragung, die wir gestern vorgestellt haben.",
    ),
)


def _poster(community: Community, rng: random.Random) -> User | None:
    """One of the community's owners or moderators, else a member."""
    memberships = list(
        Membership.objects.filter(community=community, user__is_active=True)
        .select_related("user")
        .order_by("role", "pk")
    )
    leaders = [m.user for m in memberships if m.role != Membership.Role.MEMBER]
    pool = leaders or [m.user for m in memberships]
    return rng.choice(pool) if pool else None


def create_documents(ctx: DemoContext) -> None:
    rng = ctx.rng("documents")
    by_slug = {c.slug: c for c in Community.objects.filter(slug__in={f.community for f in FILES})}
    shared = 0
    for item in FILES:
        community = by_slug.get(item.community)
        author = _poster(community, rng) if community is not None else None
        if community is None or author is None:
            continue
        upload = SimpleUploadedFile(item.name, item.data(), content_type=item.content_type)
        # Posted now, the newest of the stream (its ids follow time, like every post's).
        post_create(author=author, body=item.body, community=community, files=[upload])
        shared += 1
    ctx.counts["documents"] = shared
