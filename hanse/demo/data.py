# ruff: noqa: RUF001 - German typography uses the en dash
"""The curated material of the demo organisation: structure, towns, titles, topics, texts.

Everything here is fictional. The bank, its addresses and its people do not exist; towns and
postal codes are real so that the directory looks familiar to people from the region.
Tuples, not sets or dicts iterated for order, so that a seed always yields the same bank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BANK_NAME = "Sparkasse Holstein-Hanse"
BANK_SHORT_NAME = "SHH"
MAIL_DOMAIN = "sparkasse-hanse.example"
# The switchboard of the fictional bank; every person gets an extension.
PHONE_PREFIX = "+49 451 4711-"

HEAD_OFFICE = {
    "name": "Hauptstelle Lübeck",
    "street": "Am Hansehafen 1",
    "postal_code": "23552",
    "city": "Lübeck",
}

Title = tuple[str, str]  # (male form, female form)


def t(male: str, female: str | None = None) -> Title:
    """A job title in both forms; most German titles take "-in" in the female form."""
    return (male, female if female is not None else f"{male}in")


@dataclass(frozen=True)
class Department:
    name: str
    short: str
    weight: float
    titles: tuple[Title, ...]
    skills: tuple[str, ...]
    teams: tuple[str, ...] = ()
    in_small: bool = False


@dataclass(frozen=True)
class Division:
    name: str
    short: str
    head: Title
    departments: tuple[Department, ...]
    staff: tuple[Title, ...] = (
        t("Assistent der Bereichsleitung", "Assistentin der Bereichsleitung"),
    )
    in_small: bool = False
    key: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


D = Department

DIVISIONS: tuple[Division, ...] = (
    Division(
        "Vorstand",
        "VO",
        t("Stellvertretender Vorstandsvorsitzender", "Stellvertretende Vorstandsvorsitzende"),
        (
            D(
                "Vorstandsstab",
                "VS",
                0.5,
                (t("Referent Vorstandsstab", "Referentin Vorstandsstab"), t("Vorstandsassistent")),
                ("Strategie", "Projektmanagement", "Präsentation", "Gremienarbeit"),
            ),
            D(
                "Unternehmensentwicklung",
                "UE",
                0.6,
                (
                    t("Referent Unternehmensentwicklung", "Referentin Unternehmensentwicklung"),
                    t("Strategieberater"),
                ),
                ("Strategie", "Change Management", "OKR", "Design Thinking"),
            ),
        ),
        staff=(t("Vorstandsmitglied", "Vorstandsmitglied"),),
        key="board",
    ),
    Division(
        "Privatkunden",
        "PK",
        t("Bereichsleiter Privatkunden", "Bereichsleiterin Privatkunden"),
        (
            D(
                "Produktmanagement Privatkunden",
                "PM",
                0.8,
                (
                    t("Produktmanager"),
                    t("Referent Produktmanagement", "Referentin Produktmanagement"),
                ),
                ("Produktentwicklung", "Zahlungsverkehr", "Kundenbefragungen", "Online-Banking"),
                ("Konto & Karte", "Vorsorge", "Konsumentenkredit"),
            ),
            D(
                "Baufinanzierung",
                "BF",
                1.3,
                (
                    t("Baufinanzierungsberater"),
                    t("Spezialist Baufinanzierung", "Spezialistin Baufinanzierung"),
                ),
                ("Baufinanzierung", "Immobilienbewertung", "KfW-Förderung", "Bausparen"),
                ("Beratung", "Bearbeitung", "Immobilienvermittlung"),
            ),
            D(
                "Vertriebsmanagement",
                "VM",
                0.8,
                (
                    t("Vertriebsmanager"),
                    t("Referent Vertriebssteuerung", "Referentin Vertriebssteuerung"),
                ),
                ("Vertriebssteuerung", "Power BI", "Excel", "Kampagnenplanung"),
            ),
            D(
                "Kundenservicecenter",
                "KSC",
                2.2,
                (
                    t("Kundenservicemitarbeiter", "Kundenservicemitarbeiterin"),
                    t("Kundenservicemitarbeiter", "Kundenservicemitarbeiterin"),
                    t("Teamkoordinator"),
                    t("Chat- und Videoberater", "Chat- und Videoberaterin"),
                ),
                ("Kundenservice", "Telefonberatung", "Online-Banking", "Videoberatung"),
                ("Telefonie", "Chat & Video", "Rückrufservice", "Onlinebanking-Hotline"),
            ),
            D(
                "Wertpapiergeschäft",
                "WP",
                0.9,
                (t("Wertpapierspezialist"), t("Fondsanalyst")),
                ("Wertpapiere", "Fonds", "Nachhaltige Geldanlage", "Kapitalmarkt"),
                ("Depotservice", "Research"),
            ),
        ),
        key="private",
    ),
    Division(
        "Firmenkunden",
        "FK",
        t("Bereichsleiter Firmenkunden", "Bereichsleiterin Firmenkunden"),
        (
            D(
                "Firmenkundenbetreuung",
                "FKB",
                2.0,
                (t("Firmenkundenbetreuer"), t("Firmenkundenberater"), t("Kreditanalyst")),
                ("Firmenkundenkredit", "Bilanzanalyse", "Fördermittel", "Unternehmensnachfolge"),
                ("Mittelstand", "Großkunden", "Immobilienkunden", "Heilberufe"),
            ),
            D(
                "Gewerbekunden",
                "GK",
                1.2,
                (t("Gewerbekundenberater"), t("Gründungsberater")),
                ("Existenzgründung", "Gewerbekunden", "Leasing", "Zahlungsverkehr"),
                ("Gründung", "Gewerbe Nord", "Gewerbe Süd"),
            ),
            D(
                "Fördermittel und Spezialfinanzierung",
                "FÖ",
                0.6,
                (
                    t("Spezialist Fördermittel", "Spezialistin Fördermittel"),
                    t("Agrarkundenberater"),
                ),
                ("Fördermittel", "Agrarfinanzierung", "Erneuerbare Energien", "KfW-Förderung"),
            ),
            D(
                "Auslandsgeschäft",
                "AG",
                0.5,
                (t("Spezialist Auslandsgeschäft", "Spezialistin Auslandsgeschäft"),),
                ("Außenhandelsfinanzierung", "Akkreditive", "Auslandszahlungsverkehr"),
            ),
        ),
        key="business",
    ),
    Division(
        "Private Banking",
        "PB",
        t("Bereichsleiter Private Banking", "Bereichsleiterin Private Banking"),
        (
            D(
                "Vermögensberatung",
                "VB",
                1.0,
                (t("Private Banker", "Private Bankerin"), t("Vermögensberater")),
                (
                    "Vermögensverwaltung",
                    "Wertpapiere",
                    "Nachfolgeplanung",
                    "Nachhaltige Geldanlage",
                ),
                ("Private Banking Nord", "Private Banking Süd"),
            ),
            D(
                "Stiftungsmanagement",
                "SM",
                0.4,
                (t("Stiftungsberater"),),
                ("Stiftungen", "Nachfolgeplanung", "Erbschaften", "Ehrenamt"),
            ),
        ),
        key="private_banking",
    ),
    Division(
        "Marktfolge Kredit",
        "MK",
        t("Bereichsleiter Marktfolge Kredit", "Bereichsleiterin Marktfolge Kredit"),
        (
            D(
                "Kreditsachbearbeitung",
                "KS",
                1.6,
                (t("Kreditsachbearbeiter", "Kreditsachbearbeiterin"), t("Kreditanalyst")),
                ("Kreditprozesse", "Sicherheiten", "OSPlus", "Bilanzanalyse"),
                ("Privatkredit", "Firmenkredit", "Sicherheiten"),
            ),
            D(
                "Sanierung und Abwicklung",
                "SA",
                0.5,
                (t("Sanierungsspezialist", "Sanierungsspezialistin"),),
                ("Sanierung", "Insolvenzrecht", "Verhandlungsführung"),
            ),
        ),
        key="credit",
    ),
    Division(
        "Marketing & Kommunikation",
        "MKO",
        t("Bereichsleiter Marketing & Kommunikation", "Bereichsleiterin Marketing & Kommunikation"),
        (
            D(
                "Interne Kommunikation",
                "IK",
                0.5,
                (
                    t("Referent Interne Kommunikation", "Referentin Interne Kommunikation"),
                    t("Kommunikationsmanager"),
                ),
                ("Interne Kommunikation", "Storytelling", "Texten", "Intranet"),
                in_small=True,
            ),
            D(
                "Marketing",
                "MA",
                0.7,
                (t("Marketingmanager"), t("Grafikdesigner")),
                ("Kampagnenplanung", "Social Media", "Fotografie", "Sponsoring"),
                ("Kampagnen", "Sponsoring & Events"),
            ),
            D(
                "Digitale Kanäle",
                "DK",
                0.7,
                (t("Online-Redakteur", "Online-Redakteurin"), t("UX-Designer"), t("Produktowner")),
                ("UX-Design", "Online-Banking", "Barrierefreiheit", "Suchmaschinenoptimierung"),
                ("Website", "App"),
            ),
        ),
        in_small=True,
        key="marketing",
    ),
    Division(
        "Personal",
        "PE",
        t("Bereichsleiter Personal", "Bereichsleiterin Personal"),
        (
            D(
                "Personalbetreuung",
                "PBT",
                0.7,
                (t("Personalreferent"), t("HR Business Partner", "HR Business Partnerin")),
                (
                    "Arbeitsrecht",
                    "Tarifrecht",
                    "Personalbetreuung",
                    "Betriebliches Gesundheitsmanagement",
                ),
                ("Betreuung Zentrale", "Betreuung Filialen", "Entgelt"),
            ),
            D(
                "Personalentwicklung",
                "PEN",
                0.5,
                (
                    t("Referent Personalentwicklung", "Referentin Personalentwicklung"),
                    t("Trainer"),
                    t("Coach", "Coach"),
                ),
                ("Personalentwicklung", "Moderation", "Coaching", "Working Out Loud"),
                in_small=True,
            ),
            D(
                "Ausbildung",
                "AUS",
                1.0,
                (
                    t("Ausbildungsreferent", "Ausbildungsreferentin"),
                    t("Auszubildender Bankkaufmann", "Auszubildende Bankkauffrau"),
                    t("Auszubildender Bankkaufmann", "Auszubildende Bankkauffrau"),
                    t("Dualer Student BWL", "Duale Studentin BWL"),
                ),
                ("Ausbildung", "Recruiting", "Social Media", "Präsentation"),
                ("Ausbildung", "Duales Studium"),
            ),
        ),
        in_small=True,
        key="hr",
    ),
    Division(
        "IT & Organisation",
        "IT",
        t("Bereichsleiter IT & Organisation", "Bereichsleiterin IT & Organisation"),
        (
            D(
                "IT-Betrieb",
                "ITB",
                1.0,
                (t("Systemadministrator"), t("IT-Servicetechniker"), t("Netzwerkadministrator")),
                ("Windows Server", "Linux", "Netzwerke", "ITIL"),
                ("Arbeitsplatz", "Netzwerk", "Rechenzentrum", "Service Desk"),
                in_small=True,
            ),
            D(
                "IT-Architektur und Entwicklung",
                "ITA",
                0.8,
                (t("IT-Architekt"), t("Softwareentwickler"), t("Data Engineer", "Data Engineerin")),
                ("Python", "Softwarearchitektur", "Cloud", "SQL"),
                ("Architektur", "Entwicklung", "Daten"),
            ),
            D(
                "Organisation und Prozesse",
                "ORG",
                0.8,
                (t("Organisator"), t("Prozessmanager")),
                ("Prozessmanagement", "BPMN", "Lean Management", "OSPlus"),
                ("Prozesse", "Projekte"),
            ),
            D(
                "Informationssicherheit",
                "ISM",
                0.4,
                (
                    t("Informationssicherheitsbeauftragter", "Informationssicherheitsbeauftragte"),
                    t("IT-Security-Spezialist", "IT-Security-Spezialistin"),
                ),
                ("IT-Sicherheit", "DORA", "Notfallmanagement", "Phishing-Prävention"),
            ),
            D(
                "Digitalisierung und Innovation",
                "DI",
                0.5,
                (t("Innovationsmanager"), t("Agile Coach", "Agile Coach"), t("Produktowner")),
                ("Agile Methoden", "Scrum", "Design Thinking", "Künstliche Intelligenz"),
            ),
        ),
        in_small=True,
        key="it",
    ),
    Division(
        "Risikocontrolling",
        "RC",
        t("Bereichsleiter Risikocontrolling", "Bereichsleiterin Risikocontrolling"),
        (
            D(
                "Kreditrisikocontrolling",
                "KRC",
                0.5,
                (t("Risikocontroller"), t("Quantitativer Analyst", "Quantitative Analystin")),
                ("Kreditrisiko", "Statistik", "Python", "Stresstests"),
            ),
            D(
                "Marktpreis- und Liquiditätsrisiko",
                "MLR",
                0.4,
                (t("Risikomanager"),),
                ("Marktpreisrisiko", "Zinsrisiko", "Liquiditätssteuerung", "Excel"),
            ),
            D(
                "Meldewesen",
                "MW",
                0.4,
                (t("Referent Meldewesen", "Referentin Meldewesen"),),
                ("Aufsichtsrecht", "Meldewesen", "Excel", "SQL"),
            ),
        ),
        key="risk",
    ),
    Division(
        "Finanzen & Controlling",
        "FC",
        t("Bereichsleiter Finanzen & Controlling", "Bereichsleiterin Finanzen & Controlling"),
        (
            D(
                "Rechnungswesen",
                "RW",
                0.6,
                (t("Bilanzbuchhalter"), t("Referent Steuern", "Referentin Steuern")),
                ("Bilanzierung nach HGB", "Steuern", "Excel"),
            ),
            D(
                "Controlling",
                "CO",
                0.5,
                (t("Controller"),),
                ("Controlling", "Power BI", "Excel", "Planung"),
            ),
            D(
                "Treasury",
                "TR",
                0.3,
                (t("Treasury-Manager", "Treasury-Managerin"), t("Händler")),
                ("Liquiditätssteuerung", "Kapitalmarkt", "Zinsrisiko"),
            ),
        ),
        key="finance",
    ),
    Division(
        "Recht & Compliance",
        "RC2",
        t("Bereichsleiter Recht & Compliance", "Bereichsleiterin Recht & Compliance"),
        (
            D(
                "Recht",
                "RE",
                0.4,
                (t("Syndikusrechtsanwalt", "Syndikusrechtsanwältin"), t("Justiziar")),
                ("Bankrecht", "Vertragsrecht", "Erbrecht"),
            ),
            D(
                "Compliance und Geldwäscheprävention",
                "CG",
                0.6,
                (
                    t("Compliance-Referent", "Compliance-Referentin"),
                    t("Analyst Geldwäscheprävention", "Analystin Geldwäscheprävention"),
                ),
                ("Geldwäscheprävention", "Compliance", "MaRisk"),
            ),
            D(
                "Datenschutz",
                "DS",
                0.25,
                (
                    t("Datenschutzkoordinator"),
                    t("Datenschutzbeauftragter", "Datenschutzbeauftragte"),
                ),
                ("Datenschutz", "DSGVO", "Informationssicherheit"),
            ),
        ),
        key="legal",
    ),
    Division(
        "Revision",
        "REV",
        t("Leiter der Revision", "Leiterin der Revision"),
        (
            D(
                "Interne Revision",
                "IR",
                0.8,
                (t("Revisor"), t("Prüfungsleiter")),
                ("Prüfung", "MaRisk", "Datenanalyse", "IT-Revision"),
                ("Prüfung Markt", "Prüfung IT"),
            ),
        ),
        key="audit",
    ),
    Division(
        "Zentrale Dienste",
        "ZD",
        t("Bereichsleiter Zentrale Dienste", "Bereichsleiterin Zentrale Dienste"),
        (
            D(
                "Gebäudemanagement",
                "GM",
                0.6,
                (t("Facility-Manager", "Facility-Managerin"), t("Haustechniker")),
                ("Facility Management", "Energiemanagement", "Arbeitssicherheit"),
            ),
            D(
                "Einkauf",
                "EK",
                0.4,
                (t("Einkäufer"), t("Referent Einkauf", "Referentin Einkauf")),
                ("Einkauf", "Verhandlungsführung", "Nachhaltigkeit"),
            ),
        ),
        key="services",
    ),
)

GENERIC_TEAMS = ("Grundsatz", "Betreuung", "Analyse", "Projekte", "Service", "Steuerung")
BRANCH_TEAMS = ("Beratung", "Service", "Firmenkunden")

CEO_TITLE = t("Vorstandsvorsitzender", "Vorstandsvorsitzende")
DEPARTMENT_HEAD = t("Abteilungsleiter", "Abteilungsleiterin")
TEAM_LEAD = t("Teamleiter", "Teamleiterin")
REGION_HEAD = t("Regionaldirektor", "Regionaldirektorin")
REGION_STAFF = (t("Vertriebsassistent"), t("Regionalmarktmanager"))
BRANCH_HEAD = t("Filialleiter", "Filialleiterin")
BRANCH_DEPUTY = t("Stellvertretender Filialleiter", "Stellvertretende Filialleiterin")
# (title, weight): most people in a branch advise and serve private customers.
BRANCH_TITLES: tuple[tuple[Title, float], ...] = (
    (t("Kundenberater"), 5.0),
    (t("Serviceberater"), 4.0),
    (t("Privatkundenberater"), 2.0),
    (t("Baufinanzierungsberater"), 1.0),
    (t("Vermögensberater"), 0.8),
    (t("Auszubildender Bankkaufmann", "Auszubildende Bankkauffrau"), 1.0),
    (t("Gewerbekundenberater"), 0.6),
    (t("Firmenkundenbetreuer"), 0.4),
)
BRANCH_SKILLS = (
    "Kundenberatung",
    "Baufinanzierung",
    "Wertpapiere",
    "Altersvorsorge",
    "Versicherungen",
    "Online-Banking",
    "Kundenservice",
    "Existenzgründung",
)

# Region codes of the towns below: N(ord), O(st), S(üd), W(est), M(itte), H(amburg).
REGION_NAMES = {
    "N": "Nord",
    "O": "Ost",
    "S": "Süd",
    "W": "West",
    "M": "Mitte",
    "H": "Hamburg",
}

# (town, postal code, region code, size tier 1..3). The first 42 are the branches of the
# "bank" size, ordered so that the first four make a sensible small bank.
TOWNS: tuple[tuple[str, str, str, int], ...] = (
    ("Kiel", "24103", "N", 3),
    ("Lübeck-Innenstadt", "23552", "O", 3),
    ("Ahrensburg", "22926", "S", 3),
    ("Elmshorn", "25335", "W", 3),
    ("Neumünster", "24534", "M", 3),
    ("Norderstedt", "22846", "S", 3),
    ("Rendsburg", "24768", "N", 3),
    ("Bad Schwartau", "23611", "O", 2),
    ("Pinneberg", "25421", "W", 2),
    ("Eckernförde", "24340", "N", 2),
    ("Bad Oldesloe", "23843", "S", 2),
    ("Eutin", "23701", "O", 2),
    ("Itzehoe", "25524", "W", 2),
    ("Kiel-Gaarden", "24143", "N", 2),
    ("Reinbek", "21465", "S", 2),
    ("Lübeck-Travemünde", "23570", "O", 2),
    ("Wedel", "22880", "W", 2),
    ("Preetz", "24211", "N", 2),
    ("Bargteheide", "22941", "S", 2),
    ("Neustadt in Holstein", "23730", "O", 2),
    ("Kaltenkirchen", "24568", "W", 2),
    ("Plön", "24306", "N", 2),
    ("Geesthacht", "21502", "S", 2),
    ("Mölln", "23879", "O", 2),
    ("Quickborn", "25451", "W", 1),
    ("Bordesholm", "24582", "M", 1),
    ("Ratzeburg", "23909", "O", 2),
    ("Glinde", "21509", "S", 1),
    ("Uetersen", "25436", "W", 1),
    ("Gettorf", "24214", "N", 1),
    ("Stockelsdorf", "23617", "O", 1),
    ("Schwarzenbek", "21493", "S", 1),
    ("Glückstadt", "25348", "W", 1),
    ("Kronshagen", "24119", "N", 1),
    ("Timmendorfer Strand", "23669", "O", 1),
    ("Trittau", "22946", "S", 1),
    ("Schwentinental", "24222", "N", 1),
    ("Oldenburg in Holstein", "23758", "O", 1),
    ("Hamburg-Bergedorf", "21029", "H", 2),
    ("Nortorf", "24589", "M", 1),
    ("Fehmarn", "23769", "O", 1),
    ("Lübeck-St. Jürgen", "23564", "O", 1),
    # More branches for the large size.
    ("Flensburg", "24937", "N", 3),
    ("Schleswig", "24837", "N", 2),
    ("Husum", "25813", "N", 2),
    ("Heide", "25746", "W", 2),
    ("Hamburg-Rahlstedt", "22143", "H", 2),
    ("Hamburg-Wandsbek", "22041", "H", 3),
    ("Hamburg-Harburg", "21073", "H", 3),
    ("Hamburg-Altona", "22765", "H", 3),
    ("Hamburg-Eimsbüttel", "20259", "H", 2),
    ("Hamburg-Barmbek", "22081", "H", 2),
    ("Hamburg-Volksdorf", "22359", "H", 1),
    ("Hamburg-Poppenbüttel", "22399", "H", 2),
    ("Hamburg-Niendorf", "22453", "H", 2),
    ("Hamburg-Blankenese", "22587", "H", 2),
    ("Hamburg-Eppendorf", "20249", "H", 2),
    ("Hamburg-Winterhude", "22299", "H", 2),
    ("Hamburg-Billstedt", "22111", "H", 2),
    ("Hamburg-Wilhelmsburg", "21107", "H", 1),
    ("Hamburg-Ottensen", "22763", "H", 2),
    ("Hamburg-Lurup", "22547", "H", 1),
    ("Hamburg-Langenhorn", "22419", "H", 1),
    ("Hamburg-Farmsen", "22159", "H", 1),
    ("Hamburg-Lokstedt", "22529", "H", 1),
    ("Hamburg-Sasel", "22393", "H", 1),
    ("Kiel-Holtenau", "24159", "N", 1),
    ("Kiel-Wik", "24106", "N", 1),
    ("Kiel-Elmschenhagen", "24146", "N", 1),
    ("Kiel-Mettenhof", "24109", "N", 1),
    ("Lübeck-Moisling", "23560", "O", 1),
    ("Lübeck-Kücknitz", "23569", "O", 1),
    ("Lübeck-St. Lorenz", "23554", "O", 1),
    ("Lübeck-Schlutup", "23568", "O", 1),
    ("Neumünster-Einfeld", "24536", "M", 1),
    ("Norderstedt-Garstedt", "22848", "S", 2),
    ("Norderstedt-Harksheide", "22844", "S", 1),
    ("Henstedt-Ulzburg", "24558", "M", 2),
    ("Bad Bramstedt", "24576", "M", 1),
    ("Wahlstedt", "23812", "M", 1),
    ("Trappenkamp", "24610", "M", 1),
    ("Hohenwestedt", "24594", "M", 1),
    ("Kellinghusen", "25548", "W", 1),
    ("Wilster", "25554", "W", 1),
    ("Brunsbüttel", "25541", "W", 1),
    ("Meldorf", "25704", "W", 1),
    ("Marne", "25709", "W", 1),
    ("Büsum", "25761", "W", 1),
    ("Albersdorf", "25767", "W", 1),
    ("Barmstedt", "25355", "W", 1),
    ("Tornesch", "25436", "W", 1),
    ("Halstenbek", "25469", "W", 1),
    ("Rellingen", "25462", "W", 1),
    ("Schenefeld", "22869", "W", 1),
    ("Ellerau", "25479", "W", 1),
    ("Großhansdorf", "22927", "S", 1),
    ("Barsbüttel", "22885", "S", 1),
    ("Oststeinbek", "22113", "S", 1),
    ("Wentorf bei Hamburg", "21465", "S", 1),
    ("Lauenburg/Elbe", "21481", "S", 1),
    ("Büchen", "21514", "S", 1),
    ("Reinfeld (Holstein)", "23858", "S", 1),
    ("Sülfeld", "23867", "S", 1),
    ("Leezen", "23816", "M", 1),
    ("Ahrensbök", "23623", "O", 1),
    ("Malente", "23714", "O", 1),
    ("Lütjenburg", "24321", "O", 1),
    ("Heiligenhafen", "23774", "O", 1),
    ("Grömitz", "23743", "O", 1),
    ("Scharbeutz", "23683", "O", 1),
    ("Lensahn", "23738", "O", 1),
    ("Dahme", "23747", "O", 1),
    ("Berkenthin", "23919", "O", 1),
    ("Sandesneben", "23898", "O", 1),
    ("Breitenfelde", "23881", "O", 1),
    ("Büdelsdorf", "24782", "N", 1),
    ("Kappeln", "24376", "N", 1),
    ("Süderbrarup", "24392", "N", 1),
    ("Kropp", "24848", "N", 1),
    ("Harrislee", "24955", "N", 1),
    ("Glücksburg", "24960", "N", 1),
    ("Niebüll", "25899", "N", 1),
    ("Bredstedt", "25821", "N", 1),
    ("Leck", "25917", "N", 1),
    ("Tönning", "25832", "N", 1),
    ("Friedrichstadt", "25840", "N", 1),
    ("Sankt Peter-Ording", "25826", "N", 1),
    ("Westerland", "25980", "N", 1),
    ("Wyk auf Föhr", "25938", "N", 1),
    ("Heikendorf", "24226", "N", 1),
    ("Laboe", "24235", "N", 1),
    ("Schönberg (Holstein)", "24217", "N", 1),
    ("Altenholz", "24161", "N", 1),
    ("Flintbek", "24220", "M", 1),
    ("Molfsee", "24113", "M", 1),
    ("Wacken", "25596", "W", 1),
    ("Hennstedt", "25779", "W", 1),
    ("Tellingstedt", "25782", "W", 1),
    ("Schacht-Audorf", "24790", "N", 1),
    ("Fockbek", "24787", "N", 1),
    ("Jevenstedt", "24808", "N", 1),
    ("Owschlag", "24811", "N", 1),
    ("Hanerau-Hademarschen", "25557", "W", 1),
    ("Hamburg-Bramfeld", "22175", "H", 1),
    ("Hamburg-Hamm", "20537", "H", 1),
    ("Hamburg-Lohbrügge", "21031", "H", 1),
    ("Hamburg-Neugraben", "21147", "H", 1),
    ("Hamburg-Osdorf", "22549", "H", 1),
    ("Hamburg-Schnelsen", "22459", "H", 1),
    ("Hamburg-Horn", "22111", "H", 1),
    ("Hamburg-Finkenwerder", "21129", "H", 1),
    ("Kiel-Friedrichsort", "24159", "N", 1),
    ("Kiel-Suchsdorf", "24107", "N", 1),
    ("Lübeck-Buntekuh", "23556", "O", 1),
    ("Lübeck-Eichholz", "23564", "O", 1),
)

STREETS = (
    "Hauptstraße",
    "Markt",
    "Am Markt",
    "Bahnhofstraße",
    "Kirchstraße",
    "Lange Straße",
    "Große Straße",
    "Mühlenstraße",
    "Holstenstraße",
    "Hamburger Straße",
    "Lübecker Straße",
    "Kieler Straße",
    "Rathausplatz",
    "Marktplatz",
    "Poststraße",
    "Schulstraße",
    "Königstraße",
    "Hafenstraße",
)

# Skills and topics shared by everyone, whatever their unit.
GENERAL_SKILLS = (
    "Excel",
    "PowerPoint",
    "Moderation",
    "Präsentation",
    "Projektmanagement",
    "Agile Methoden",
    "Scrum",
    "Kanban",
    "Working Out Loud",
    "Design Thinking",
    "Nachhaltigkeit",
    "Datenschutz",
    "Coaching",
    "Konfliktmanagement",
    "Kundenberatung",
    "Verhandlungsführung",
    "Social Media",
    "Python",
    "SQL",
    "Power BI",
    "Change Management",
    "Künstliche Intelligenz",
    "Kreditrisiko",
    "Baufinanzierung",
    "Wertpapiere",
    "Erste Hilfe",
)
# Topics people like to be asked about that are not strictly skills.
ASK_ME_TOPICS = (
    "Mobiles Arbeiten",
    "Elternzeit",
    "Ehrenamt",
    "Onboarding",
    "Betriebssport",
    "Fahrrad-Leasing",
    "Plattdeutsch",
    "Segeln",
    "Laufen",
    "Fotografie",
    "Azubi-Projekte",
    "Sparkassen-Finanzgruppe",
    "OSPlus",
    "Barrierefreiheit",
    "Mentoring",
    "Nachhaltigkeit",
    "Working Out Loud",
    "Agile Methoden",
)

# Language codes (see people.models.LANGUAGE_CHOICES) with the share of people who speak them
# besides German.
EXTRA_LANGUAGES: tuple[tuple[str, float], ...] = (
    ("en", 0.7),
    ("fr", 0.08),
    ("es", 0.06),
    ("da", 0.05),
    ("pl", 0.03),
    ("tr", 0.03),
    ("ru", 0.02),
    ("nl", 0.02),
    ("it", 0.02),
    ("uk", 0.01),
    ("ar", 0.01),
)

# Fragments of "about me" texts; combined, they read like people wrote them themselves.
ABOUT_OPENINGS = (
    "Ich bin seit {years} Jahren bei der Sparkasse und arbeite als {title}.",
    "Moin! Ich bin {first} und seit {years} Jahren im Haus, aktuell als {title}.",
    "Seit {years} Jahren bei uns, davon die meiste Zeit in {unit}.",
    "Ich arbeite als {title} in {unit} und bin seit {years} Jahren dabei.",
    "Gelernt habe ich in der Filiale, heute bin ich {title} in {unit}.",
)
ABOUT_MIDDLES = (
    "Mir ist wichtig, dass unsere Kundinnen und Kunden verstehen, was wir ihnen empfehlen.",
    "Am liebsten arbeite ich in gemischten Teams, in denen Filiale und Zentrale zusammenkommen.",
    "Ich probiere gern neue Arbeitsweisen aus und erzähle auch, was nicht funktioniert hat.",
    "Bevor ich zur Sparkasse kam, habe ich einige Jahre bei einer Genossenschaftsbank gearbeitet.",
    "Neben der Arbeit studiere ich berufsbegleitend an der Sparkassenhochschule.",
    "Ich bin Ansprechperson für Auszubildende und freue mich über Fragen jeder Art.",
    "In meinem Team kümmere ich mich vor allem um die Themen, die zwischen die Stühle fallen.",
    "Ich bin Mitglied bei den Connectoren und helfe gern, Kolleginnen und Kollegen zu vernetzen.",
)
ABOUT_HOBBIES = (
    "In meiner Freizeit segle ich auf der Ostsee.",
    "Nach Feierabend findet man mich meistens beim Laufen an der Trave.",
    "Privat bin ich im Sportverein als Jugendtrainer aktiv.",
    "Ich fotografiere gern, vor allem Landschaften an der Küste.",
    "Zu Hause warten zwei Kinder und ein Hund auf mich.",
    "Ich spiele Handball und fiebere bei jedem Spiel des THW mit.",
    "Am Wochenende bin ich oft mit dem Rad in der Holsteinischen Schweiz unterwegs.",
    "Ich engagiere mich ehrenamtlich bei der Tafel in meinem Ort.",
    "Ich backe leidenschaftlich gern und bringe manchmal Kuchen fürs Team mit.",
)
ABOUT_CLOSINGS = (
    "Sprich mich gern zu {topic} an.",
    "Fragt mich gern zu {topic}!",
    "Wenn es um {topic} geht, meldet euch einfach bei mir.",
    "Ich freue mich über Nachrichten zu {topic}.",
)


@dataclass(frozen=True)
class DemoAccount:
    """A fixed account the README names; always created, with the demo password."""

    username: str
    first_name: str
    last_name: str
    female: bool
    job_title: str
    # Where the account works: "branch" (the first branch) or a department name.
    unit: str
    about: str
    skills: tuple[str, ...]
    topics: tuple[str, ...]
    languages: tuple[str, ...] = ("de", "en")
    is_superuser: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        username="admin",
        first_name="Andrea",
        last_name="Berger",
        female=True,
        job_title="Administratorin",
        unit="IT-Betrieb",
        about=(
            "Ich betreue Hanse technisch und bin Ansprechpartnerin für alles rund um Konten, "
            "Rechte und Einstellungen. Fragen und Wünsche gern in die Community "
            "„Hanse – Hilfe & Feedback“."
        ),
        skills=("Linux", "Windows Server", "ITIL", "Datenschutz"),
        topics=("Hanse", "Onboarding"),
        is_superuser=True,
    ),
    DemoAccount(
        username="anna.schmidt",
        first_name="Anna",
        last_name="Schmidt",
        female=True,
        job_title="Kundenberaterin",
        unit="branch",
        about=(
            "Moin! Ich bin seit zwölf Jahren in der Filiale und berate Privatkundinnen und "
            "-kunden von der ersten Wohnung bis zur Altersvorsorge. Als Connectorin bringe ich "
            "Kolleginnen und Kollegen aus Filialen und Zentrale zusammen und probiere neue "
            "Arbeitsweisen aus. Fragt mich gern zu Working Out Loud und Baufinanzierung!"
        ),
        skills=("Kundenberatung", "Baufinanzierung", "Altersvorsorge", "Moderation"),
        topics=("Working Out Loud", "Baufinanzierung", "Connectoren"),
    ),
    DemoAccount(
        username="ben.weber",
        first_name="Ben",
        last_name="Weber",
        female=False,
        job_title="Systemadministrator IT-Betrieb",
        unit="IT-Betrieb",
        about=(
            "Ich kümmere mich mit meinem Team um Server, Netzwerk und Arbeitsplätze in der "
            "Zentrale und in den Filialen. Wenn etwas hakt: erst neu starten, dann mich anrufen."
        ),
        skills=("Linux", "Netzwerke", "Python", "IT-Sicherheit"),
        topics=("IT-Sicherheit", "Laufen", "Python"),
    ),
    DemoAccount(
        username="clara.fischer",
        first_name="Clara",
        last_name="Fischer",
        female=True,
        job_title="Referentin Personalentwicklung",
        unit="Personalentwicklung",
        about=(
            "Ich gestalte Lern- und Entwicklungsangebote und schreibe gern darüber, was wir "
            "dabei lernen. Mein Herzensthema: dass Wissen nicht in Abteilungen stecken bleibt. "
            "Ich begleite die Working-Out-Loud-Circles und unsere Azubis."
        ),
        skills=("Personalentwicklung", "Moderation", "Interne Kommunikation", "Storytelling"),
        topics=("Working Out Loud", "Mentoring", "Azubi-Projekte"),
        languages=("de", "en", "fr"),
    ),
)
# Someone who starts today: an empty profile, no follows, communities or posts, so the demo
# shows the first-day checklist as a new employee sees it (hanse/demo/onboarding.py).
NEW_STARTER = DemoAccount(
    username="lea.neumann",
    first_name="Lea",
    last_name="Neumann",
    female=True,
    job_title="Kundenberaterin",
    unit="branch",
    about="",
    skills=(),
    topics=(),
    languages=(),
)
DEMO_USERNAMES = (*(a.username for a in DEMO_ACCOUNTS), NEW_STARTER.username)


@dataclass(frozen=True)
class CommunityPlan:
    """A community of the demo: who may be in it (pool), how big it is in the bank size."""

    name: str
    kind: str  # "open" | "private" | "secret"
    tagline: str
    description: str
    pool: str
    members: int
    owners: int = 1
    in_small: bool = False
    # Demo accounts with a fixed role here: (username, role).
    fixed: tuple[tuple[str, str], ...] = ()
    join_requests: int = 0
    invitations: int = 0
    # Demo accounts with a pending join request / invitation here.
    fixed_requests: tuple[str, ...] = ()
    fixed_invitations: tuple[str, ...] = ()
    # Led by the most senior people of its pool (a line organisation, not a free community).
    led_by_managers: bool = False


CONNECTOREN_DESCRIPTION = """\
Die Connectoren sind Kolleginnen und Kollegen aus allen Filialen und Bereichen, die die \
Veränderung unserer Sparkasse von innen mitgestalten – freiwillig, neben ihrer eigentlichen \
Aufgabe und ausdrücklich nicht „von oben“. Wir verbinden Menschen, die sonst nie \
miteinander reden würden: die Kundenberaterin aus Fehmarn mit dem IT-Architekten in der \
Zentrale, die Auszubildende mit der Bereichsleitung.

Was wir tun:
- Wir probieren neue Arbeitsweisen im Kleinen aus (Working Out Loud, kurze Stand-ups, \
Retrospektiven, Lean Coffee) und erzählen offen, was funktioniert hat und was nicht. Ein \
gescheitertes Experiment ist bei uns eine gute Geschichte.
- Wir sammeln Ideen und Fragen aus den Filialen und tragen sie dorthin, wo entschieden \
wird – und die Antworten wieder zurück.
- Wir helfen beim Start in Hanse: Profile pflegen, Communities gründen, Wissen teilen.
- Einmal im Monat treffen wir uns virtuell zum Connectoren-Café, zweimal im Jahr persönlich \
zum Barcamp.

Mitmachen kann jede und jeder. Es gibt keine Aufnahmeprüfung und keine Pflichttermine: \
Wer neugierig ist, ist hier richtig. Stellt euch gern mit einem kurzen Beitrag vor!"""

COMMUNITIES: tuple[CommunityPlan, ...] = (
    CommunityPlan(
        "Connectoren",
        "open",
        "Veränderung von innen: wir vernetzen Filialen und Zentrale.",
        CONNECTOREN_DESCRIPTION,
        pool="connectors",
        members=40,
        owners=2,
        in_small=True,
        fixed=(("anna.schmidt", "owner"), ("clara.fischer", "moderator")),
    ),
    CommunityPlan(
        "Working Out Loud",
        "open",
        "Zwölf Wochen, vier bis fünf Menschen, ein Ziel: Wissen teilen und Netzwerke knüpfen.",
        "Hier organisieren sich unsere Working-Out-Loud-Circles. Ihr findet Mitstreiterinnen "
        "und Mitstreiter für den nächsten Circle, teilt eure Erfahrungen aus den wöchentlichen "
        "Treffen und helft euch gegenseitig mit den Übungen aus dem Circle Guide. Neue Circles "
        "starten jeweils im Februar und im September.",
        pool="all",
        members=60,
        in_small=True,
        fixed=(("clara.fischer", "owner"), ("anna.schmidt", "member"), ("ben.weber", "member")),
    ),
    CommunityPlan(
        "Agile Sparkasse",
        "open",
        "Scrum, Kanban und gesunder Menschenverstand – auch außerhalb der IT.",
        "Wir tauschen uns darüber aus, wie agile Methoden in einer Sparkasse funktionieren: im "
        "Projekt, im Team und in der Filiale. Hier gibt es Erfahrungsberichte, Vorlagen für "
        "Retrospektiven, Hinweise auf Schulungen und ehrliche Diskussionen darüber, wo agile "
        "Arbeit an ihre Grenzen stößt.",
        pool="agile",
        members=55,
        in_small=True,
        fixed=(("ben.weber", "member"), ("anna.schmidt", "member")),
    ),
    CommunityPlan(
        "Filialleitungen",
        "private",
        "Austausch der Filialleiterinnen und Filialleiter aller Regionaldirektionen.",
        "Der geschützte Raum für alle, die eine Filiale leiten: Vertriebsthemen, "
        "Personaleinsatz, Öffnungszeiten, Sicherheit und alles, was man lieber erst unter "
        "sich bespricht. Die Regionaldirektionen sind ebenfalls dabei.",
        pool="branch_managers",
        led_by_managers=True,
        members=60,
        owners=2,
        in_small=True,
        join_requests=2,
        invitations=1,
    ),
    CommunityPlan(
        "Nachhaltigkeit",
        "open",
        "Vom Jobrad bis zur nachhaltigen Geldanlage: was wir als Sparkasse bewegen können.",
        "Nachhaltigkeit ist für eine Sparkasse kein Trend, sondern Teil des öffentlichen "
        "Auftrags. In dieser Community sammeln wir Ideen für den eigenen Arbeitsalltag, "
        "informieren über nachhaltige Produkte für unsere Kundschaft und begleiten die "
        "Nachhaltigkeitsberichterstattung.",
        pool="all",
        members=45,
        fixed=(("anna.schmidt", "member"), ("clara.fischer", "member")),
    ),
    CommunityPlan(
        "Laufgruppe",
        "open",
        "Gemeinsam laufen: Lauftreffs in Lübeck und Kiel, Staffeln und Stadtläufe.",
        "Ob Einsteigerin oder Marathonläufer: Wir verabreden uns zu Lauftreffs nach "
        "Feierabend, melden Staffeln für Firmenläufe an und teilen Strecken in der Region. "
        "Mittwochs um 17:30 Uhr geht es an der Hauptstelle los.",
        pool="all",
        members=30,
        fixed=(("ben.weber", "member"), ("anna.schmidt", "member")),
    ),
    CommunityPlan(
        "IT-Sicherheit",
        "open",
        "Phishing erkennen, sicher arbeiten, Vorfälle melden.",
        "Aktuelle Warnungen vor Phishing-Wellen, Tipps für sicheres Arbeiten im Büro und "
        "unterwegs und Antworten der Informationssicherheit auf eure Fragen. Verdächtige "
        "E-Mails bitte nicht hier posten, sondern wie gewohnt an den Service Desk melden.",
        pool="it",
        members=35,
        in_small=True,
        fixed=(("ben.weber", "member"),),
    ),
    CommunityPlan(
        "Azubis & Duale Studierende",
        "private",
        "Für alle, die bei uns lernen – und die, die sie begleiten.",
        "Prüfungsvorbereitung, Berufsschule, Fahrgemeinschaften, Azubi-Projekte und die "
        "Frage, welche Filiale als nächste dran ist: Hier tauschen sich unsere Auszubildenden "
        "und dual Studierenden aus. Die Ausbildungsabteilung ist mit dabei und beantwortet "
        "Fragen.",
        pool="azubis",
        members=45,
        fixed=(("clara.fischer", "owner"),),
        join_requests=3,
        invitations=2,
    ),
    CommunityPlan(
        "Digitalisierung im Firmenkundengeschäft",
        "private",
        "Digitale Kreditprozesse, Onlinebanking für Unternehmen und neue Beratungsformate.",
        "Wie bringen wir Firmenkundinnen und -kunden schneller zu einer Kreditentscheidung? "
        "Welche digitalen Angebote erwarten Unternehmen von uns? In dieser Arbeitsgemeinschaft "
        "arbeiten Firmenkundenbetreuung, Marktfolge und IT gemeinsam an der Digitalisierung "
        "des Firmenkundengeschäfts.",
        pool="business",
        members=25,
        join_requests=2,
        invitations=1,
        fixed_requests=("ben.weber",),
    ),
    CommunityPlan(
        "Projekt Neue Filiale Bad Segeberg",
        "secret",
        "Planung der neuen Beratungsfiliale in Bad Segeberg.",
        "Projektraum für die neue Filiale in Bad Segeberg: Standort, Raumkonzept, "
        "Personalplanung und Kommunikation. Bitte vertraulich behandeln, bis die Eröffnung "
        "offiziell angekündigt ist.",
        pool="project_segeberg",
        led_by_managers=True,
        members=12,
        in_small=True,
        invitations=1,
        fixed_invitations=("anna.schmidt",),
    ),
    CommunityPlan(
        "Vorstandsstab",
        "secret",
        "Abstimmungen zwischen Vorstand und Stab.",
        "Vorbereitung von Vorstandssitzungen, Gremienunterlagen und vertrauliche Abstimmungen "
        "zwischen Vorstand und Vorstandsstab.",
        pool="board",
        led_by_managers=True,
        members=10,
    ),
    CommunityPlan(
        "Personalrat",
        "private",
        "Die gewählte Interessenvertretung der Beschäftigten.",
        "Der Personalrat vertritt die Interessen aller Beschäftigten der Sparkasse. Hier "
        "stimmen sich die Mitglieder des Personalrats ab; Fragen an den Personalrat stellt "
        "ihr gern vertraulich per Nachricht.",
        pool="all",
        members=13,
        owners=2,
        join_requests=1,
    ),
    CommunityPlan(
        "Hanse – Hilfe & Feedback",
        "open",
        "Fragen zu Hanse, Wünsche und Fehlermeldungen.",
        "Hier helfen wir euch beim Einstieg in Hanse und sammeln eure Rückmeldungen: Was "
        "fehlt, was stört, was gefällt? Die Betreuung von Hanse liest mit und antwortet.",
        pool="all",
        members=90,
        in_small=True,
        fixed=(("admin", "owner"), ("clara.fischer", "moderator"), ("ben.weber", "member")),
    ),
    CommunityPlan(
        "Baufinanzierung Praxisaustausch",
        "open",
        "Fälle, Konditionen, Fördermittel: Baufinanzierung aus der Praxis.",
        "Beraterinnen und Berater aus den Filialen und die Spezialistinnen und Spezialisten "
        "der Baufinanzierung tauschen sich über knifflige Fälle, neue Förderprogramme und "
        "Entwicklungen am Immobilienmarkt aus.",
        pool="advisers",
        members=40,
        fixed=(("anna.schmidt", "member"),),
    ),
    CommunityPlan(
        "Excel & Power BI",
        "open",
        "Formeln, Pivot-Tabellen und Dashboards – und wer hilft, wenn es hakt.",
        "Ihr steckt bei einer Formel fest oder habt ein Dashboard gebaut, auf das ihr stolz "
        "seid? Hier helfen sich Kolleginnen und Kollegen gegenseitig mit Excel, Power Query "
        "und Power BI.",
        pool="head_office",
        members=35,
    ),
    CommunityPlan(
        "Wertpapiere & Kapitalmarkt",
        "open",
        "Marktkommentare, Fondsnews und Fragen aus der Beratung.",
        "Das Wertpapiergeschäft teilt Einschätzungen zu den Märkten, Neuigkeiten zu Fonds "
        "und Hinweise für die Beratung. Fragen aus den Filialen sind ausdrücklich erwünscht.",
        pool="advisers",
        members=35,
    ),
    CommunityPlan(
        "Mobiles Arbeiten & Neue Arbeitswelten",
        "open",
        "Desksharing, hybride Meetings und gute Zusammenarbeit auf Distanz.",
        "Wie arbeiten wir gut zusammen, wenn nicht alle am selben Ort sind? Wir sammeln "
        "Erfahrungen mit Desksharing in der Zentrale, hybriden Meetings und den "
        "Dienstvereinbarungen zum mobilen Arbeiten.",
        pool="all",
        members=40,
    ),
    CommunityPlan(
        "Eltern in der Sparkasse",
        "open",
        "Vereinbarkeit von Familie und Beruf: Tipps, Fragen, Austausch.",
        "Elternzeit, Teilzeit, Kinderbetreuung in den Ferien und die Frage, wie man alles "
        "unter einen Hut bekommt: Hier helfen sich Eltern gegenseitig.",
        pool="all",
        members=35,
    ),
    CommunityPlan(
        "Fotografie",
        "open",
        "Bilder aus der Region und Tipps rund ums Fotografieren.",
        "Für alle, die gern fotografieren: Wir teilen Bilder aus Schleswig-Holstein und "
        "Hamburg, verabreden uns zu Fotowalks und helfen uns mit Technik und Bildbearbeitung.",
        pool="all",
        members=25,
    ),
    CommunityPlan(
        "Segeln & Wassersport",
        "open",
        "Regatten, Törns und Mitsegelgelegenheiten an Nord- und Ostsee.",
        "Wer hat noch einen Platz an Bord frei? Wir verabreden uns zu Törns, melden "
        "Firmenmannschaften für die Kieler Woche an und tauschen Revier-Tipps aus.",
        pool="all",
        members=25,
    ),
    CommunityPlan(
        "Ehrenamt in der Region",
        "open",
        "Wo wir uns engagieren – und wo noch Hilfe gebraucht wird.",
        "Viele von uns engagieren sich in Vereinen, Feuerwehren, Tafeln und Stiftungen. Hier "
        "stellen wir Projekte vor, suchen Mitstreiterinnen und Mitstreiter und informieren "
        "über den Ehrenamtstag der Sparkasse.",
        pool="all",
        members=30,
    ),
    CommunityPlan(
        "Frauen in Führung",
        "open",
        "Netzwerk für Frauen, die führen oder führen wollen.",
        "Mentoring, Erfahrungsaustausch und Veranstaltungen für Frauen in Führungspositionen "
        "und alle, die dorthin wollen. Männer, die das Thema voranbringen wollen, sind "
        "willkommen.",
        pool="women",
        members=35,
    ),
    CommunityPlan(
        "Plattdüütsch Klönschnack",
        "open",
        "Op Platt snacken – för all, de dat köönt oder lehren wüllt.",
        "Hier warrt Platt snackt! Wi deelt Wöör, Geschichten un Tipps, woans man Plattdüütsch "
        "in de Beratung bruken kann. Ok Anfängers sünd hartlich willkamen.",
        pool="branches",
        members=20,
    ),
    CommunityPlan(
        "Datenschutz-Sprechstunde",
        "open",
        "Fragen an den Datenschutz – bevor es ein Problem wird.",
        "Darf ich das Kundenfoto in den Kalender-Eintrag nehmen? Was gehört in ein "
        "Verarbeitungsverzeichnis? Das Datenschutzteam beantwortet eure Fragen und "
        "veröffentlicht Hinweise zu häufigen Themen.",
        pool="all",
        members=30,
    ),
)

# Extra communities of the large size: one per region and a few hobbies per town.
LARGE_TOPIC_COMMUNITIES = (
    ("Lauftreff {town}", "Gemeinsam laufen in und um {town}.", "open"),
    ("Stammtisch {town}", "Treffen der Kolleginnen und Kollegen aus {town}.", "open"),
)
