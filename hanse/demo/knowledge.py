# ruff: noqa: RUF001 - German typography uses the en dash
"""Community knowledge: wiki pages with several revisions in the Connectoren, Working Out
Loud and Filialleitungen communities, a company-wide page tree, and libraries with folders,
PDFs and file versions.

There are few pages and files, so they are written through the services (the same rendering,
links, revisions and upload checks as people's own); only the dates are moved into the past
afterwards, so the history reads like weeks of work.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from hanse.communities.models import Community, Membership
from hanse.core.rules import platform_admins_q
from hanse.demo.context import DemoContext
from hanse.files import services as file_services
from hanse.files.models import FileVersion, Folder, LibraryFile
from hanse.people.models import User
from hanse.wiki import services as wiki_services
from hanse.wiki.models import Page, Revision

# (title, parent title or "", [(body, note), ...] oldest first) per community name.
COMMUNITY_PAGES: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    "Connectoren": [
        (
            "Willkommen bei den Connectoren",
            "",
            [
                (
                    "Wir sind Kolleginnen und Kollegen aus Filialen und Hauptstelle, die Neues "
                    "ausprobieren und andere mitnehmen.\n\n# Erste Schritte\n- Lies "
                    "[[Wie werde ich Multiplikatorin oder Multiplikator?]]\n- Komm zum "
                    "Stammtisch\n",
                    "",
                ),
                (
                    "Wir sind Kolleginnen und Kollegen aus Filialen und Hauptstelle, die Neues "
                    "ausprobieren und andere mitnehmen – freiwillig und ohne Auftrag von oben."
                    "\n\n# Erste Schritte\n- Lies [[Wie werde ich Multiplikatorin oder "
                    "Multiplikator?]]\n- Schau in die [[Working Out Loud FAQ]]\n- Komm zum "
                    "Connectoren-Stammtisch (jeden zweiten Dienstag)\n\n# Wo finde ich was?\n"
                    "Protokolle der Treffen stehen unter [[Treffen-Notizen]], Vorlagen und "
                    "Folien in der Bibliothek.\n",
                    "Links zur FAQ und zu den Notizen ergänzt",
                ),
            ],
        ),
        (
            "Wie werde ich Multiplikatorin oder Multiplikator?",
            "Willkommen bei den Connectoren",
            [
                (
                    "Sprich mit deiner Führungskraft und melde dich bei uns.\n",
                    "",
                ),
                (
                    "# Voraussetzungen\nKeine besonderen – nur Lust, Dinge auszuprobieren. "
                    "Rechne mit etwa zwei Stunden im Monat.\n\n# Ablauf\n1. Sprich kurz mit "
                    "deiner Führungskraft.\n2. Tritt der Community bei und stell dich vor.\n"
                    "3. Nimm an einem Working-Out-Loud-Circle teil (siehe [[Working Out Loud "
                    "FAQ]]).\n4. Such dir eine Patin oder einen Paten aus der Runde.\n",
                    "Ablauf in Schritten, Zeitaufwand genannt",
                ),
                (
                    "# Voraussetzungen\nKeine besonderen – nur Lust, Dinge auszuprobieren. "
                    "Rechne mit etwa zwei Stunden im Monat; die Zeit gilt als Arbeitszeit.\n\n"
                    "# Ablauf\n1. Sprich kurz mit deiner Führungskraft.\n2. Tritt der "
                    "Community bei und stell dich vor.\n3. Nimm an einem "
                    "Working-Out-Loud-Circle teil (siehe [[Working Out Loud FAQ]]).\n4. Such "
                    "dir eine Patin oder einen Paten aus der Runde.\n\n# Was wir nicht sind\n"
                    "Kein Projektteam und kein Gremium: Wir entscheiden nichts für andere.\n",
                    "Arbeitszeit geklärt (Absprache mit dem Personalrat)",
                ),
            ],
        ),
        (
            "Treffen-Notizen",
            "Willkommen bei den Connectoren",
            [
                (
                    "# Stammtisch März\n- 14 Leute, davon 9 online\n- Thema: Terminbuchung "
                    "in den Filialen\n- Verabredet: Umfrage unter den Filialleitungen\n\n"
                    "# Stammtisch April\n- Ergebnis der Umfrage: 23 von 40 Filialen nutzen "
                    "die Online-Terminbuchung\n- Nächster Schritt: [[Erfahrungsberichte "
                    "Terminbuchung]] sammeln\n",
                    "",
                ),
            ],
        ),
        (
            "Working Out Loud FAQ",
            "Willkommen bei den Connectoren",
            [
                (
                    "# Was ist Working Out Loud?\nEine Methode, in kleinen Gruppen an einem "
                    "eigenen Ziel zu arbeiten.\n",
                    "",
                ),
                (
                    "# Was ist Working Out Loud?\nEine Methode von John Stepper: vier bis "
                    "fünf Leute treffen sich zwölf Wochen lang einmal pro Woche für eine "
                    "Stunde und arbeiten jeweils an einem eigenen Ziel.\n\n# Wie viel Zeit "
                    "kostet das?\nEine Stunde pro Woche, dazu ein paar Minuten zwischen den "
                    "Treffen.\n\n# Muss mein Ziel etwas mit der Arbeit zu tun haben?\nNein. "
                    "Viele wählen ein berufliches Ziel, aber „Ich möchte besser Spanisch "
                    "lernen“ ist genauso gut.\n",
                    "Zeitaufwand und Ziele ergänzt",
                ),
                (
                    "# Was ist Working Out Loud?\nEine Methode von John Stepper: vier bis "
                    "fünf Leute treffen sich zwölf Wochen lang einmal pro Woche für eine "
                    "Stunde und arbeiten jeweils an einem eigenen Ziel.\n\n# Wie viel Zeit "
                    "kostet das?\nEine Stunde pro Woche, dazu ein paar Minuten zwischen den "
                    "Treffen. Die Treffen finden in der Arbeitszeit statt.\n\n# Muss mein "
                    "Ziel etwas mit der Arbeit zu tun haben?\nNein. Viele wählen ein "
                    "berufliches Ziel, aber „Ich möchte besser Spanisch lernen“ ist genauso "
                    "gut.\n\n# Wie finde ich einen Circle?\nIn Hanse unter „Circles“ – oder "
                    "frag bei den Connectoren.\n\n# Was passiert mit dem, was wir im Circle "
                    "besprechen?\nEs bleibt im Circle. Niemand berichtet an Führungskräfte.\n",
                    "Vertraulichkeit und Circle-Suche",
                ),
            ],
        ),
    ],
    "Filialleitungen": [
        (
            "Dienstplan-Regeln",
            "",
            [
                (
                    "# Grundsätze\n- Der Dienstplan hängt spätestens am 20. des Vormonats "
                    "aus.\n- Tausch nur mit Zustimmung der Filialleitung.\n",
                    "",
                ),
                (
                    "# Grundsätze\n- Der Dienstplan hängt spätestens am 15. des Vormonats "
                    "aus.\n- Tausch untereinander ist erlaubt, wenn die Besetzung stimmt; die "
                    "Filialleitung wird informiert.\n- Mindestbesetzung am Schalter: zwei "
                    "Personen, am Samstag eine plus Rufbereitschaft.\n\n# Urlaub\nAnträge für "
                    "den Sommer bis zum 31. Januar. Bei Überschneidungen entscheidet, wer "
                    "im Vorjahr zurückgesteckt hat.\n\n# Krankheit\nBitte bis 7:30 Uhr bei "
                    "der Filialleitung melden; die Vertretung regelt die [[Vertretungsliste]].",
                    "Neue Frist, Tauschregel gelockert (Beschluss der Runde vom März)",
                ),
            ],
        ),
    ],
}

COMPANY_PAGES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Kundenservice",
        "",
        [("Alles, was im Kundenkontakt gilt: Abläufe, Ansprechpartner, Vorlagen.\n", "")],
    ),
    (
        "Konto für Geflüchtete eröffnen",
        "Kundenservice",
        [
            (
                "Geflüchtete haben Anspruch auf ein Basiskonto.\n\n# Unterlagen\n"
                "- Ankunftsnachweis oder Aufenthaltsgestattung\n",
                "",
            ),
            (
                "Geflüchtete haben Anspruch auf ein Basiskonto (Zahlungskontengesetz).\n\n"
                "# Unterlagen\n- Ankunftsnachweis, Aufenthaltsgestattung oder Duldung\n"
                "- Eine Meldeadresse ist nicht zwingend: die Adresse der Unterkunft genügt\n\n"
                "# Ablauf\n1. Termin mit Dolmetscherin oder Dolmetscher anbieten (Liste im "
                "Intranet)\n2. Identität prüfen und Kopie ablegen\n3. Basiskonto eröffnen, "
                "Karte bestellen\n4. Online-Banking erklären – auf Wunsch in einfacher "
                "Sprache\n\n# Fragen?\nDas Team Privatkunden hilft; siehe auch "
                "[[Ansprechpartner Kundenservice]].\n",
                "Duldung ergänzt, Ablauf in Schritten",
            ),
        ],
    ),
    (
        "Ansprechpartner Kundenservice",
        "Kundenservice",
        [("- Basiskonto: Team Privatkunden\n- Beschwerden: Qualitätsmanagement\n", "")],
    ),
    (
        "Hanse nutzen",
        "",
        [
            (
                "# Wozu Hanse?\nHanse verbindet uns über Abteilungen und Filialen hinweg.\n\n"
                "# Wo gehört was hin?\n- Neuigkeiten: in den Stream\n- Wissen, das bleiben "
                "soll: ins Wiki einer Community\n- Dateien: in die Bibliothek\n",
                "",
            )
        ],
    ),
]

PAGE_TEMPLATE = (
    "Vorlage: Treffen-Protokoll",
    "# Datum und Teilnehmende\n\n# Themen\n\n# Verabredungen\n- Wer macht was bis wann?\n",
)


def _pdf(title: str, lines: list[str]) -> bytes:
    """A small valid PDF with one page of text (Helvetica, Latin-1)."""
    text = "\n".join(
        f"BT /F1 {16 if i == 0 else 11} Tf 60 {760 - i * 22} Td ({_pdf_escape(line)}) Tj ET"
        for i, line in enumerate([title, *lines])
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _pdf_escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


# (folder or "", file name, kind, content, [newer versions' content]) per community name.
LIBRARY: dict[str, list[tuple[str, str, str, list[str]]]] = {
    "Connectoren": [
        (
            "Vorlagen",
            "Einladung-Stammtisch.txt",
            "Einladung zum Connectoren-Stammtisch\n\nWann: jeden zweiten Dienstag, 17 Uhr\n"
            "Wo: Hauptstelle Lübeck, Raum 4.12, und online",
            [],
        ),
        (
            "Präsentationen",
            "Connectoren-Programm-2026.pdf",
            "pdf:Das Connectoren-Programm 2026|Ziele: 40 Filialen, 80 Multiplikatoren|"
            "Formate: Stammtisch, Working Out Loud, Filialbesuche",
            [
                "pdf:Das Connectoren-Programm 2026|Ziele: 40 Filialen, 100 Multiplikatoren|"
                "Formate: Stammtisch, Working Out Loud, Filialbesuche, Lernreisen"
            ],
        ),
        (
            "Protokolle",
            "Teilnehmende-Stammtisch.csv",
            "Datum;vor Ort;online\n2026-03-10;5;9\n2026-04-14;7;11\n",
            [],
        ),
    ],
    "Working Out Loud": [
        (
            "",
            "WOL-Circle-Leitfaden.pdf",
            "pdf:Working Out Loud – Circle-Leitfaden|Woche 1: Ziel und Beziehungsliste|"
            "Woche 2: Beiträge ohne Gegenleistung|Woche 12: Rückblick und Feier",
            [],
        ),
    ],
    "Filialleitungen": [
        (
            "Dienstpläne",
            "Dienstplan-Vorlage.csv",
            "Tag;Früh;Spät;Samstag\nMontag;;;\nDienstag;;;\n",
            ["Tag;Früh;Spät;Samstag;Rufbereitschaft\nMontag;;;;\nDienstag;;;;\n"],
        ),
    ],
}


def _upload(name: str, content: str) -> SimpleUploadedFile:
    if content.startswith("pdf:"):
        title, *lines = content[4:].split("|")
        return SimpleUploadedFile(name, _pdf(title, lines))
    return SimpleUploadedFile(name, content.encode())


def _editors(community: Community) -> list[User]:
    ids = Membership.objects.filter(community=community).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _owner(community: Community) -> User | None:
    membership = (
        Membership.objects.filter(community=community, role=Membership.Role.OWNER)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _write_pages(
    ctx: DemoContext,
    rng: random.Random,
    community: Community | None,
    plans: list[tuple[str, str, list[tuple[str, str]]]],
    editors: list[User],
) -> int:
    pages: dict[str, Page] = {}
    made = 0
    for title, parent_title, versions in plans:
        body, note = versions[0]
        page = wiki_services.page_create(
            by=editors[0],
            community=community,
            title=title,
            body=body,
            note=note,
            parent=pages.get(parent_title),
        )
        for body, note in versions[1:]:
            wiki_services.page_update(
                page=page,
                by=rng.choice(editors),
                title=title,
                body=body,
                note=note,
                base_revision_id=None,
                keep_parent=True,
            )
        pages[title] = page
        made += 1
        # Spread the revisions over the last weeks, oldest first.
        start = ctx.now - timedelta(days=rng.randint(40, 120))
        revisions = list(Revision.objects.filter(page=page).order_by("number"))
        step = (ctx.now - start) / (len(revisions) + 1)
        for n, revision in enumerate(revisions, start=1):
            Revision.objects.filter(pk=revision.pk).update(created_at=start + step * n)
        Page.objects.filter(pk=page.pk).update(
            created_at=start + step, updated_at=start + step * len(revisions)
        )
    return made


def create_knowledge(ctx: DemoContext) -> None:
    rng = ctx.rng("knowledge")
    bar = ctx.progress("Wiki pages and library files", 2 + len(COMMUNITY_PAGES) + len(LIBRARY))
    admin = User.objects.filter(platform_admins_q()).order_by("pk").first()
    pages = 0
    if admin is not None:
        pages += _write_pages(ctx, rng, None, COMPANY_PAGES, [admin])
    bar.update(1)
    for name, plans in COMMUNITY_PAGES.items():
        community = Community.objects.filter(name=name).first()
        owner = _owner(community) if community is not None else None
        if community is None or owner is None:
            bar.update(1)
            continue
        editors = [owner, *[p for p in _editors(community)[:6] if p.pk != owner.pk]]
        pages += _write_pages(ctx, rng, community, plans, editors)
        if name == "Connectoren":
            wiki_services.page_create(
                by=owner,
                community=community,
                title=PAGE_TEMPLATE[0],
                body=PAGE_TEMPLATE[1],
                is_template=True,
            )
        bar.update(1)
    files = 0
    for name, files_plan in LIBRARY.items():
        community = Community.objects.filter(name=name).first()
        owner = _owner(community) if community is not None else None
        if community is None or owner is None:
            bar.update(1)
            continue
        uploaders = [owner, *_editors(community)[:5]]
        folders: dict[str, Folder] = {}
        for folder_name, file_name, content, newer in files_plan:
            folder = None
            if folder_name:
                folder = folders.get(folder_name) or file_services.folder_create(
                    by=owner, community=community, name=folder_name
                )
                folders[folder_name] = folder
            (entry,) = file_services.files_upload(
                by=rng.choice(uploaders),
                community=community,
                files=[_upload(file_name, content)],
                folder=folder,
            )
            for content_next in newer:
                file_services.version_upload(
                    entry=entry,
                    by=rng.choice(uploaders),
                    upload=_upload(file_name, content_next),
                    note="Aktualisiert",
                )
            when = ctx.now - timedelta(days=rng.randint(3, 60))
            LibraryFile.objects.filter(pk=entry.pk).update(created_at=when, updated_at=when)
            FileVersion.objects.filter(file_entry=entry, number=1).update(created_at=when)
            files += 1
        bar.update(1)
    bar.update(1)
    bar.close()
    ctx.counts["wiki pages"] = pages
    ctx.counts["library files"] = files
