# ruff: noqa: RUF001 - German typography uses the en dash and typographic quotes
"""What the people of the demo bank write: posts, comments and announcements in German.

A post is put together from paragraphs: one alternative from each group of a topic, then
optionally a line of hashtags. Slots in braces are filled per post:

- ``{town}`` a branch town, ``{first}`` a first name, ``{weekday}``, ``{date}`` (``14. März``),
  ``{time}`` (``16:30``), ``{n}`` a small number, ``{room}`` a meeting room;
- ``@{m0}`` / ``@{m1}`` mention a real demo person (their username; the rendered link carries
  their name).

Slot values are plain words and numbers (checked when the generator starts), so a paragraph can
be rendered to HTML once and filled per post; a test checks that the result equals rendering
the whole post. A slot never starts a line (``{date}`` there would become a numbered list), and
a hashtag stands as a word of its own (``#Connectoren-Treffen`` would be a different tag).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    # Paragraph groups in order; each post takes one alternative per group ("" = leave out).
    groups: tuple[tuple[str, ...], ...]
    # Lines of hashtags, one of which may close the post.
    tag_lines: tuple[str, ...] = ()
    # Chance that a post on this topic carries an image.
    image_share: float = 0.05
    # Comments that fit the topic (besides the general ones).
    comments: tuple[str, ...] = ()


WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag")
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember",
)  # fmt: skip
TIMES = ("8:30", "9:00", "10:00", "11:30", "12:15", "13:00", "14:00", "15:30", "16:00", "16:30")
ROOMS = (
    "Raum Trave", "Raum Schwentine", "Raum Eider", "Raum Stör", "Konferenzraum 4.12",
    "Lernwerkstatt", "Kantine", "Raum Fehmarn", "Raum Sylt",
)  # fmt: skip

TOPICS: dict[str, Topic] = {}


def _topic(topic: Topic) -> None:
    TOPICS[topic.key] = topic


_topic(
    Topic(
        "connectoren",
        (
            (
                "Moin zusammen! Unser nächstes **Connectoren-Treffen** ist am {weekday}, "
                "{date}, um {time} im {room} – und wie immer auch per Video.",
                "Kurzer Rückblick auf unser Treffen am {weekday}: {n} Kolleginnen und Kollegen "
                "aus Filialen und Zentrale waren dabei, so viele wie noch nie.",
                "Ich habe mich diese Woche mit @{m0} aus einem ganz anderen Bereich getroffen – "
                "einfach so, auf einen Kaffee. Ergebnis: {n} neue Ideen für die Filiale {town}.",
                "Heute war ich zu Gast in der Filiale {town}. Danke an @{m0} für die "
                "Gastfreundschaft und den ehrlichen Blick auf unseren Alltag!",
                "Wir suchen noch Connectoren aus der Region rund um {town}. Wer Lust hat, "
                "Menschen zu verbinden und Neues auszuprobieren, meldet sich einfach bei mir.",
            ),
            (
                "Auf der Agenda:\n\n- Erfahrungen aus den Lean-Coffee-Runden\n"
                "- Ideen aus den Filialen für das nächste Quartal\n- Was wir aus dem "
                "gescheiterten Experiment mit den Stand-ups gelernt haben",
                "Was wir ausprobiert haben: kurze Stand-ups am {weekday}morgen, "
                "eine offene Sprechstunde für die Filialen und ein Lernspaziergang. Nicht alles "
                "hat funktioniert – und genau darüber wollen wir reden.",
                "Mein Eindruck: Die besten Ideen entstehen dort, wo Filiale und Zentrale "
                "miteinander statt übereinander reden.",
                "Spannend fand ich, wie unterschiedlich die Filialen mit dem Thema Termine "
                "online umgehen. @{m1} hat dazu eine tolle Übersicht gebaut.",
                "",
            ),
            (
                "Wer mag, bringt eine Frage oder ein Experiment mit. Neue Gesichter sind "
                "ausdrücklich willkommen!",
                "Danke an alle, die mitgemacht haben – bis zum nächsten Mal!",
                "Wer weiß, wie andere Sparkassen so etwas organisieren? Ich freue mich über Tipps.",
                "",
            ),
        ),
        tag_lines=(
            "#Connectoren #Vernetzung",
            "#Connectoren #NeueArbeitswelten",
            "#Connectoren",
            "#Connectoren #Filiale #Zentrale",
            "#Experiment #LessonsLearned",
        ),
        image_share=0.08,
        comments=(
            "Bin dabei! Ich bringe noch jemanden aus der Filiale {town} mit.",
            "Das Experiment mit den Stand-ups würde ich gern in unserer Filiale wiederholen.",
            "Danke für die Zusammenfassung – ich konnte leider nicht dabei sein.",
            "Genau solche Begegnungen machen den Unterschied. Weiter so!",
        ),
    )
)

_topic(
    Topic(
        "wol",
        (
            (
                "Unser **Working-Out-Loud-Circle** startet in Woche {n}: vier Menschen, zwölf "
                "Wochen, jede Woche eine Stunde.",
                "Woche {n} in unserem Circle: Heute ging es um Beziehungslisten – wen kenne ich "
                "schon, wen sollte ich kennenlernen?",
                "Ein neuer Circle sucht noch zwei Mitstreiterinnen oder Mitstreiter. Wir treffen "
                "uns am {weekday} um {time}, abwechselnd im {room} und online.",
                "Mein Ziel für den Circle: mehr über nachhaltige Geldanlage lernen. Nach "
                "{n} Wochen kann ich sagen – es funktioniert!",
            ),
            (
                "Besonders wertvoll war der Austausch mit @{m0}: Ich hätte nie gedacht, wie "
                "viel wir über Abteilungsgrenzen hinweg voneinander lernen können.",
                "Das Prinzip ist einfach: großzügig sein, sichtbar arbeiten, Beziehungen "
                "aufbauen – und das alles ohne Druck.",
                "Die Leitfäden für alle zwölf Wochen liegen in der Community. Wer Fragen hat, "
                "darf mich gern ansprechen.",
                "",
            ),
            (
                "Wer weiß, wie man einen Circle am besten mit Kolleginnen aus den Filialen "
                "zusammenstellt?",
                "Ich kann es nur empfehlen!",
                "",
            ),
        ),
        tag_lines=("#WorkingOutLoud", "#WorkingOutLoud #WOL", "#WorkingOutLoud #Lernen"),
        comments=(
            "Ich hätte Lust, beim nächsten Circle mitzumachen!",
            "Woche {n} war bei uns auch die spannendste.",
            "Danke fürs Teilen – das motiviert mich, selbst einen Circle zu starten.",
        ),
    )
)

_topic(
    Topic(
        "branch",
        (
            (
                "Neues aus der Filiale {town}: Seit {weekday} haben wir die neuen "
                "Beratungsräume in Betrieb. Die ersten Rückmeldungen der Kundschaft sind super.",
                "Heute hatten wir in der Filiale {town} Besuch von der Grundschule – {n} Kinder "
                "haben gelernt, wie ein Sparbuch funktioniert.",
                "Der SB-Bereich in der Filiale {town} ist am {date} wegen Umbau geschlossen. "
                "Bitte weist Kundinnen und Kunden auf die Nachbarfiliale hin.",
                "Team-Ausflug der Filiale {town}: {n} Kolleginnen und Kollegen, ein Drachenboot "
                "und viel Gelächter.",
                "Wir haben in der Filiale {town} die Terminvergabe umgestellt: Beratung jetzt "
                "auch am {weekday} bis 19 Uhr.",
            ),
            (
                "Ein großes Dankeschön an das ganze Team und an @{m0} für die Unterstützung "
                "aus der Zentrale!",
                "Wenn ihr in der Nähe seid: Kommt gern auf einen Kaffee vorbei.",
                "Wer Fragen zur Umstellung hat, meldet sich bei @{m0}.",
                "",
            ),
        ),
        tag_lines=("#Filiale #Region", "#Filialnews", "#Kundennähe", "#Filiale"),
        image_share=0.12,
        comments=(
            "Das sieht richtig gut aus! Glückwunsch an die Filiale {town}.",
            "Wie habt ihr die Umstellung mit den Stammkunden kommuniziert?",
            "Toll, so etwas wünschen wir uns auch für unsere Filiale.",
        ),
    )
)

_topic(
    Topic(
        "it",
        (
            (
                "**Wartungsfenster:** Am {weekday}, {date}, ab 18:00 Uhr ist das "
                "Kernbankensystem für etwa {n} Stunden nicht erreichbar.",
                "Achtung, Phishing: Zurzeit kursieren E-Mails, die angeblich vom IT-Service "
                "kommen und nach dem Passwort fragen. Bitte nicht klicken, sondern melden!",
                "Die neuen Notebooks für die Filialen sind da. Die Verteilung startet am "
                "{date} in der Region rund um {town}.",
                "Kleiner Tipp für den Alltag: Mit Windows-Taste + V öffnet ihr den "
                "Zwischenablage-Verlauf.",
                "Das Update des Onlinebankings geht am {weekday} live. Neu sind unter anderem "
                "die Push-Freigabe und ein überarbeitetes Postfach.",
            ),
            (
                "Was ihr tun müsst:\n\n1. Vorher alle Dokumente speichern\n2. Den Rechner "
                "eingeschaltet lassen\n3. Bei Problemen ein Ticket im IT-Service-Portal "
                "anlegen",
                "Bei Fragen hilft euch die IT-Hotline unter der bekannten Nummer oder direkt "
                "@{m0}.",
                "Danke für eure Geduld – und an das Team, das das am Wochenende vorbereitet.",
                "",
            ),
        ),
        tag_lines=("#ITSicherheit", "#IT #Wartung", "#Phishing #ITSicherheit", "#Digitalisierung"),
        image_share=0.03,
        comments=(
            "Danke für die frühe Info!",
            "Gilt das auch für die Filialen mit eigenem Netz?",
            "Bei uns hat das Update problemlos geklappt.",
            "Ich habe gestern genau so eine Mail bekommen und gemeldet.",
        ),
    )
)

_topic(
    Topic(
        "hr",
        (
            (
                "Die Anmeldung für die Gesundheitstage ist offen: Rückenfit, Stressbewältigung "
                "und ein Lauftreff am {weekday} um {time}.",
                "Neu im Intranet: die überarbeitete Dienstvereinbarung zum mobilen Arbeiten. "
                "Die wichtigsten Änderungen erklären wir am {date} in einer offenen Runde.",
                "Herzlich willkommen an unsere {n} neuen Auszubildenden! Sagt gern Hallo, wenn "
                "ihr ihnen begegnet.",
                "Das Seminarprogramm für das nächste Halbjahr steht. Besonders beliebt: "
                "Moderation, Kundengespräche und Excel für Fortgeschrittene.",
            ),
            (
                "Fragen beantwortet euch @{m0} aus der Personalbetreuung.",
                "Die Anmeldung läuft wie immer über das Seminarportal.",
                "",
            ),
        ),
        tag_lines=("#Personal #Weiterbildung", "#Gesundheit", "#Ausbildung", "#MobilesArbeiten"),
        image_share=0.04,
        comments=(
            "Super Angebot, ich habe mich gleich angemeldet!",
            "Gibt es die Runde auch als Aufzeichnung?",
            "Willkommen an Bord!",
        ),
    )
)

_topic(
    Topic(
        "sustainability",
        (
            (
                "Unser Jobrad-Angebot wird erweitert: Ab {date} sind auch Lastenräder möglich.",
                "Die Filiale {town} spart seit der LED-Umrüstung rund {n}0 Prozent Strom. "
                "Kleine Maßnahme, große Wirkung!",
                "Beim Pflanztag haben {n} Kolleginnen und Kollegen mit Kundinnen und Kunden "
                "über 300 Bäume gesetzt.",
                "Wer weiß, wie wir in der Kundenberatung noch besser über nachhaltige "
                "Geldanlagen sprechen können?",
            ),
            (
                "Die Nachhaltigkeits-AG trifft sich am {weekday} um {time} im {room}. "
                "Alle sind willkommen.",
                "Danke an @{m0} für die Organisation!",
                "",
            ),
        ),
        tag_lines=("#Nachhaltigkeit", "#Nachhaltigkeit #Jobrad", "#Nachhaltigkeit #Region"),
        image_share=0.08,
        comments=(
            "Toll! Kann man sich für den nächsten Pflanztag schon anmelden?",
            "Bei uns in der Filiale {town} überlegen wir das auch.",
        ),
    )
)

_topic(
    Topic(
        "customer",
        (
            (
                "Eine schöne Kundengeschichte aus der Filiale {town}: Ein junges Paar hat nach "
                "drei Absagen anderer Banken bei uns die Finanzierung für sein erstes Haus "
                "bekommen.",
                "Heute hat sich eine Kundin aus {town} persönlich bedankt, weil wir ihr bei "
                "einem Betrugsversuch am Telefon geholfen haben.",
                "Ein Handwerksbetrieb aus der Region rund um {town} hat mit unserer "
                "Unterstützung auf eine Wärmepumpe umgestellt – finanziert mit Fördermitteln.",
            ),
            (
                "Solche Momente zeigen, warum wir Sparkasse sind. Danke an @{m0} für die "
                "großartige Beratung!",
                "Die Kundin hat übrigens erlaubt, dass wir die Geschichte intern teilen.",
                "",
            ),
        ),
        tag_lines=("#Kundengeschichte", "#Baufinanzierung #Kundengeschichte", "#Kundennähe"),
        image_share=0.05,
        comments=("Gänsehaut! Danke fürs Teilen.", "Genau dafür machen wir das."),
    )
)

_topic(
    Topic(
        "question",
        (
            (
                "Wer weiß, wie man in der Kreditstrecke einen Antrag nachträglich einer anderen "
                "Beraterin zuordnet?",
                "Wer weiß, wo ich die aktuellen Konditionen für KfW-Förderkredite finde?",
                "Wer weiß, wie man in Excel eine Pivot-Tabelle automatisch aktualisiert?",
                "Wer weiß, ob es eine Vorlage für das Protokoll der Teamrunde gibt?",
                "Wer weiß, wie andere Filialen die Vertretung in den Ferien organisieren?",
            ),
            (
                "Ich habe schon im Handbuch gesucht, aber nichts gefunden.",
                "Vielleicht kann @{m0} helfen?",
                "Danke schon mal!",
                "",
            ),
        ),
        tag_lines=("#WerWeißWas", "#Frage", "#WerWeißWas #Excel", "#WerWeißWas #Baufinanzierung"),
        image_share=0.02,
        comments=(
            "Das geht über das Menü „Zuordnung“, ganz unten.",
            "Frag mal @{m0}, die hatte das letzte Woche auch.",
            "Die Vorlage liegt in der Community „Agile Sparkasse“.",
            "Gute Frage – das würde mich auch interessieren!",
        ),
    )
)

_topic(
    Topic(
        "finance",
        (
            (
                "Kurzer Marktkommentar: Die Zinsen für zehnjährige Baufinanzierungen liegen "
                "diese Woche bei rund {n},5 Prozent.",
                "Fall aus der Praxis: Kundin möchte Modernisierung und Anschlussfinanzierung "
                "kombinieren. Wie würdet ihr vorgehen?",
                "Neue Fondsinformationen sind im Beratungssystem hinterlegt. Bitte die "
                "geänderten Risikoklassen beachten.",
            ),
            (
                "Unsere Spezialisten aus der Zentrale stehen für Rückfragen bereit, "
                "Ansprechpartner ist @{m0}.",
                "",
            ),
        ),
        tag_lines=("#Baufinanzierung", "#Wertpapiere", "#Baufinanzierung #Förderung"),
        image_share=0.06,
        comments=(
            "Ich würde zuerst die Förderfähigkeit prüfen.",
            "Danke, sehr hilfreich für die Beratung morgen.",
        ),
    )
)

_topic(
    Topic(
        "agile",
        (
            (
                "Retrospektive im Team: Was lief gut, was nicht, was probieren wir als "
                "Nächstes aus? Unser Board nach {n} Sprints.",
                "Wir haben zwei Wochen lang Kanban in der Kreditsachbearbeitung getestet. Die "
                "Durchlaufzeit ist um {n} Tage gesunken.",
                "Lean Coffee am {weekday} um {time}: Themen bringt ihr mit, wir stimmen ab.",
            ),
            (
                "Das Experiment ist übrigens teilweise gescheitert – und wir haben viel gelernt.",
                "Moderiert hat @{m0}, danke dafür!",
                "",
            ),
        ),
        tag_lines=("#Agil #Kanban", "#Agil #Retrospektive", "#LeanCoffee", "#Experiment"),
        image_share=0.1,
        comments=("Darf ich mal bei euch am Board zuschauen?", "Tolle Zahlen!"),
    )
)

_topic(
    Topic(
        "social",
        (
            (
                "Lauftreff am {weekday} um {time}: Treffpunkt vor der Filiale {town}, "
                "Strecke etwa {n} Kilometer.",
                "Wer kommt mit zum Stadtlauf? Wir haben schon {n} Anmeldungen für die "
                "Sparkassen-Staffel.",
                "Ein Bild vom Sonnenaufgang an der Küste, heute früh auf dem Weg zur Arbeit.",
                "Mitsegelgelegenheit am Wochenende: zwei Plätze frei, Abfahrt um {time}.",
            ),
            ("Alle Tempi willkommen!", "Meldet euch bei @{m0}.", ""),
        ),
        tag_lines=("#Laufgruppe", "#Fotografie #Region", "#Segeln", "#Teamgeist"),
        image_share=0.2,
        comments=("Ich bin dabei!", "Wunderschönes Bild!", "Nächstes Mal komme ich mit."),
    )
)

_topic(
    Topic(
        "project",
        (
            (
                "Stand Projekt: Der Mietvertrag ist unterschrieben, die Planung der "
                "Beratungsräume läuft. Nächster Termin am {date}.",
                "Bitte vertraulich: Die Personalplanung für den Standort ist abgestimmt, "
                "{n} Stellen werden intern ausgeschrieben.",
                "Abstimmung mit dem Architekturbüro am {weekday}: Die Entwürfe liegen im "
                "Projektordner.",
            ),
            ("Rückmeldungen bitte bis {weekday} an @{m0}.", ""),
        ),
        tag_lines=("#Projekt", "#Projekt #Vertraulich"),
        image_share=0.05,
        comments=("Danke, ich schaue mir die Entwürfe bis morgen an.", "Klingt gut so."),
    )
)

_topic(
    Topic(
        "hanse",
        (
            (
                "Neu in Hanse: Ihr könnt jetzt Beiträge für später merken und Hashtags folgen.",
                "Wer weiß, wie man in Hanse die Benachrichtigungen für eine Community abschaltet?",
                "Kleiner Tipp: Mit @ und dem Namen erwähnt ihr Kolleginnen und Kollegen, mit # "
                "markiert ihr Themen.",
            ),
            ("Feedback gern hier in die Kommentare.", "Danke an @{m0} für den Hinweis!", ""),
        ),
        tag_lines=("#Hanse #Feedback", "#Hanse"),
        image_share=0.03,
        comments=("Sehr praktisch, danke!", "Klappt bei mir auch auf dem Handy."),
    )
)

# Which topics a community talks about (by name; communities not named here use "general").
COMMUNITY_TOPICS: dict[str, tuple[str, ...]] = {
    "Connectoren": ("connectoren", "connectoren", "wol", "question", "customer"),
    "Working Out Loud": ("wol", "wol", "connectoren"),
    "Agile Sparkasse": ("agile", "agile", "question"),
    "Filialleitungen": ("branch", "branch", "question", "customer"),
    "Nachhaltigkeit": ("sustainability",),
    "Laufgruppe": ("social",),
    "IT-Sicherheit": ("it",),
    "Azubis & Duale Studierende": ("hr", "question", "social"),
    "Digitalisierung im Firmenkundengeschäft": ("finance", "agile", "question"),
    "Projekt Neue Filiale Bad Segeberg": ("project",),
    "Vorstandsstab": ("project",),
    "Personalrat": ("hr", "question"),
    "Hanse – Hilfe & Feedback": ("hanse", "question"),
    "Baufinanzierung Praxisaustausch": ("finance", "customer", "question"),
    "Excel & Power BI": ("question", "agile"),
    "Wertpapiere & Kapitalmarkt": ("finance",),
    "Mobiles Arbeiten & Neue Arbeitswelten": ("hr", "agile", "question"),
    "Eltern in der Sparkasse": ("hr", "social", "question"),
    "Fotografie": ("social",),
    "Segeln & Wassersport": ("social",),
}
GENERAL_TOPICS = ("branch", "question", "social", "customer")
COMPANY_TOPICS = ("it", "hr", "sustainability", "customer", "branch", "hanse", "question")
PROFILE_TOPICS = ("question", "wol", "social", "customer")

SHARE_BODIES = (
    "Lesenswert!",
    "Das passt gut zu unserer Diskussion von letzter Woche.",
    "Teile ich gern weiter – spannend auch für die Filialen.",
    "Für alle, die es noch nicht gesehen haben:",
)

COMMENTS = (
    "Danke fürs Teilen!",
    "Super, danke für die Info.",
    "Sehr spannend – gibt es dazu mehr Details?",
    "Das nehme ich mit in unsere Teamrunde.",
    "Klasse Sache!",
    "Wer weiß, ob das auch für die Filiale {town} gilt?",
    "Ich bin am {weekday} leider nicht da, gibt es eine Aufzeichnung?",
    "Sehe ich genauso.",
    "Vielen Dank, das hilft mir sehr weiter.",
    "Tolle Idee! Ich leite das an @{m0} weiter.",
)

REPLIES = (
    "@{m0} Danke dir!",
    "@{m0} Gute Frage, ich kläre das und melde mich.",
    "@{m0} Ja, genau so ist es gemeint.",
    "@{m0} Gern geschehen!",
    "Stimmt, das sollten wir beim nächsten Treffen besprechen.",
    "@{m0} Ich schicke dir die Unterlagen per Nachricht.",
)

# Tags people follow (normalised spelling as the renderer stores it).
FOLLOWED_TAGS = (
    "workingoutloud", "nachhaltigkeit", "connectoren", "baufinanzierung", "itsicherheit",
    "werweißwas", "agil", "hanse", "filiale", "kundengeschichte", "laufgruppe", "ausbildung",
)  # fmt: skip

# Images: (file name, title on the picture, kind of picture).
IMAGES = (
    ("kundenzufriedenheit.png", "Kundenzufriedenheit nach Regionen", "bars"),
    ("sommerfest.jpg", "Sommerfest an der Trave", "photo"),
    ("filiale-nach-umbau.jpg", "Die Filiale nach dem Umbau", "photo"),
    ("retro-board.png", "Unser Board nach der Retrospektive", "board"),
    ("lauftreff.jpg", "Lauftreff am Kanal", "photo"),
    ("termine-online.png", "Online gebuchte Termine pro Monat", "bars"),
    ("sonnenaufgang-kueste.jpg", "Sonnenaufgang an der Küste", "photo"),
    ("wol-circle.png", "Working Out Loud: zwölf Wochen im Überblick", "board"),
)


@dataclass(frozen=True)
class AnnouncementPlan:
    title: str
    body: str
    # Divisions by name (empty = the whole company).
    divisions: tuple[str, ...] = ()
    must_read: bool = False
    compliance: bool = False
    days_ago: int = 3
    expires_in_days: int | None = None
    draft: bool = False
    # Share of the audience that has read (or, for must-reads, confirmed) it.
    read_share: float = 0.4


COMPLIANCE_TITLE = "Neue Richtlinie zur Geldwäscheprävention – bitte bestätigen"

ANNOUNCEMENTS = (
    AnnouncementPlan(
        COMPLIANCE_TITLE,
        "Liebe Kolleginnen und Kollegen,\n\n"
        "zum 1. des kommenden Monats tritt die überarbeitete **Richtlinie zur "
        "Geldwäscheprävention** in Kraft. Wichtigste Änderungen:\n\n"
        "- Verdachtsmomente meldet ihr künftig ausschließlich über das neue Meldeformular.\n"
        "- Bei Bareinzahlungen ab 10.000 Euro ist der Herkunftsnachweis immer zu "
        "dokumentieren.\n"
        "- Die jährliche Schulung ist bis Ende des Quartals abzuschließen.\n\n"
        "Bitte lest die Richtlinie vollständig und bestätigt mit „Gelesen und verstanden“. "
        "Bei Fragen hilft euch das Team Recht & Compliance.",
        must_read=True,
        compliance=True,
        days_ago=12,
        read_share=0.6,
    ),
    AnnouncementPlan(
        "Betriebsversammlung im Herbst",
        "Die diesjährige Betriebsversammlung findet am zweiten Dienstag im November in der "
        "Hauptstelle statt und wird in alle Filialen übertragen. Fragen an den Vorstand könnt "
        "ihr vorab – auch anonym – einreichen.",
        days_ago=5,
        expires_in_days=40,
        read_share=0.45,
    ),
    AnnouncementPlan(
        "Hanse ist gestartet",
        "Willkommen in **Hanse**, unserem neuen Netzwerk für alle Kolleginnen und Kollegen. "
        "Folgt Menschen und Communities, stellt Fragen und teilt, woran ihr arbeitet. Hilfe "
        "gibt es in der Community „Hanse – Hilfe & Feedback“.",
        days_ago=60,
        read_share=0.8,
    ),
    AnnouncementPlan(
        "Neue Öffnungszeiten in den Filialen der Regionaldirektion",
        "Ab dem kommenden Monat gelten in unseren Filialen einheitliche Beratungszeiten bis "
        "19 Uhr an zwei Tagen pro Woche. Die Details zur Umsetzung besprechen die "
        "Filialleitungen in ihren Regionalrunden.",
        divisions=("Regionaldirektion Nord", "Regionaldirektion Süd"),
        days_ago=2,
        expires_in_days=30,
        read_share=0.3,
    ),
    AnnouncementPlan(
        "Umstellung der Arbeitsplätze auf Windows 11",
        "Die IT stellt in den nächsten Wochen alle Arbeitsplätze der Zentrale auf Windows 11 "
        "um. Ihr bekommt eine Woche vorher eine Nachricht mit eurem Termin.",
        divisions=("IT & Organisation", "Privatkunden", "Firmenkunden"),
        days_ago=7,
        read_share=0.5,
    ),
    AnnouncementPlan(
        "Jahresgespräche: Leitfaden für Führungskräfte",
        "Der überarbeitete Leitfaden für die Jahresgespräche steht bereit. Bitte nutzt ihn "
        "für alle Gespräche ab sofort.",
        divisions=("Personal",),
        must_read=True,
        days_ago=20,
        read_share=0.7,
    ),
    AnnouncementPlan(
        "Einladung zur Weihnachtsfeier",
        "Save the date: Unsere Weihnachtsfeier findet am zweiten Freitag im Dezember im "
        "Hafenschuppen statt. Die Einladung mit allen Details folgt.",
        days_ago=-30,
        draft=True,
        read_share=0.0,
    ),
)
