"""Twelve short week agendas of our own (the organisation edits them in the admin). The
published WOL Circle Guides are copyrighted: we link to them instead of copying them."""

from django.db import migrations

GUIDES = "https://workingoutloud.com/en/circle-guides"

WEEKS = [
    (
        "Ankommen und Ziel finden",
        "Stellt euch vor: Wer seid ihr, was bringt euch in den Circle? Jede und jeder formuliert ein Ziel, das ihr oder ihm wirklich wichtig ist und in zwölf Wochen spürbar vorankommen kann.",
        "Schreibe dein Ziel in einem Satz auf. Notiere fünf Menschen, die mit diesem Ziel zu tun haben könnten.",
    ),
    (
        "Die Beziehungsliste",
        "Wer kann euch bei eurem Ziel helfen, wer arbeitet an Ähnlichem? Ihr legt eure Beziehungsliste an: Menschen innerhalb und außerhalb der Bank.",
        "Ergänze deine Liste auf zehn bis fünfzehn Namen. Wähle einen Menschen aus, dem du diese Woche etwas Kleines gibst: ein Dank, ein Hinweis, ein Link.",
    ),
    (
        "Kleine Beiträge",
        "Beziehungen wachsen durch Beiträge, nicht durch Bitten. Ihr sammelt, was ihr schon heute geben könnt: Aufmerksamkeit, Anerkennung, Wissen.",
        "Gib drei Menschen deiner Liste je einen kleinen Beitrag. Notiere, wie es sich angefühlt hat.",
    ),
    (
        "Sichtbar werden",
        "Wer euch finden soll, muss euch sehen können. Ihr schaut auf euer Profil in Hanse und darauf, was andere über eure Arbeit erfahren können.",
        "Ergänze dein Profil um Themen, zu denen man dich fragen kann. Teile eine Sache, an der du gerade arbeitest.",
    ),
    (
        "Großzügigkeit vertiefen",
        "Ihr sprecht darüber, welche Beiträge gut angekommen sind und warum. Was könnt ihr geben, das nur ihr geben könnt?",
        "Schreibe jemandem eine persönliche Anerkennung für eine konkrete Leistung. Biete einer Person deiner Liste deine Erfahrung an.",
    ),
    (
        "Die eigene Arbeit zeigen",
        "Working Out Loud heißt: Arbeit sichtbar machen, solange sie entsteht. Ihr überlegt, was ihr zeigen könnt, ohne dass es fertig sein muss.",
        "Veröffentliche einen Zwischenstand, eine Frage oder eine Lernerfahrung im Stream oder in einer Community.",
    ),
    (
        "Halbzeit",
        "Ihr schaut gemeinsam zurück: Was hat sich verändert, was ist schwer? Passt euer Ziel noch? Ihr dürft es schärfen oder neu fassen.",
        "Überarbeite dein Ziel, falls nötig. Ergänze deine Beziehungsliste um drei neue Menschen.",
    ),
    (
        "Um Hilfe bitten",
        "Nach Wochen des Gebens fällt das Bitten leichter. Ihr übt, konkret und freundlich um Rat oder Unterstützung zu bitten.",
        "Bitte eine Person deiner Liste um etwas Konkretes, das dich deinem Ziel näherbringt.",
    ),
    (
        "Das Netzwerk erweitern",
        "Wer kennt wen? Ihr schaut über eure Abteilung und Filiale hinaus und sucht Verbindungen, die ihr noch nicht habt.",
        "Nimm Kontakt zu jemandem auf, den du noch nicht kennst: in einer anderen Filiale, Abteilung oder außerhalb der Bank.",
    ),
    (
        "Eine Gewohnheit bilden",
        "Was davon wollt ihr behalten? Ihr überlegt, wie Beiträge und Sichtbarkeit zur Gewohnheit werden, auch ohne Circle.",
        "Plane für die nächsten vier Wochen je einen kleinen Beitrag pro Woche und trage ihn dir in den Kalender ein.",
    ),
    (
        "Auf den Weg blicken",
        "Ihr erzählt euch eure Geschichte: Wo standet ihr in Woche 1, wo steht ihr jetzt? Was hat euch überrascht?",
        "Schreibe fünf Sätze über deinen Weg. Wenn du magst, teile sie später als Geschichte im Stream.",
    ),
    (
        "Abschluss und Ausblick",
        "Ihr feiert, was ihr erreicht habt, und dankt einander. Wer möchte, startet einen neuen Circle oder wird Connector.",
        "Danke jedem Mitglied deines Circles persönlich. Überlege, wen du zu einem neuen Circle einlädst.",
    ),
]


def create(apps, schema_editor):
    WeekAgenda = apps.get_model("circles", "WeekAgenda")
    for week, (title, agenda, exercises) in enumerate(WEEKS, start=1):
        WeekAgenda.objects.update_or_create(
            week=week,
            defaults={
                "title": title,
                "agenda": agenda,
                "exercises": exercises,
                "guide_url": GUIDES,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("circles", "WeekAgenda").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("circles", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
