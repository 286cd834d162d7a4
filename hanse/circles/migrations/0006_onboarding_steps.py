"""The Connectoren's first checklist (coordinators edit it on /circles/connectoren/onboarding/
steps/ or in the admin): what a new Connector does in the first weeks."""

from django.db import migrations

STEPS = [
    (
        "Profil ergänzen",
        "Trage in deinem Profil die Themen ein, bei denen du helfen kannst, damit Kolleginnen und Kollegen dich finden.",
        "/people/me/edit/",
    ),
    (
        "Der Connectoren-Community beitreten",
        "Du bist nach der Freigabe automatisch Mitglied. Stell dich dort kurz vor: wer du bist, wo du arbeitest, wobei du hilfst.",
        "/circles/connectoren/",
    ),
    (
        "Ein Gespräch mit einer erfahrenen Connectorin oder einem erfahrenen Connector",
        "Verabrede eine halbe Stunde mit jemandem, der schon länger dabei ist: Was hat gut funktioniert, was nicht?",
        "/circles/connectoren/",
    ),
    (
        "Am nächsten Connectoren-Meetup teilnehmen",
        "Melde dich auf der Seite des Meetups an. Dort lernt ihr voneinander und plant gemeinsame Experimente.",
        "",
    ),
    (
        "Das eigene Team informieren",
        "Erzähle deinem Team und deiner Führungskraft, dass du jetzt Connector bist und wobei sie dich fragen können.",
        "",
    ),
    (
        "Eine erste Geschichte teilen",
        "Hast du jemandem geholfen oder etwas ausprobiert? Teile es als Connectoren-Geschichte – auch ein gescheitertes Experiment ist es wert.",
        "/circles/connectoren/stories/new/",
    ),
]


def create(apps, schema_editor):
    item = apps.get_model("circles", "OnboardingItem")
    if item.objects.exists():
        return
    for position, (title, description, link) in enumerate(STEPS, start=1):
        item.objects.create(title=title, description=description, link=link, position=position)


class Migration(migrations.Migration):
    dependencies = [("circles", "0005_connectoren_programme")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
