"""The demo's wiki pages and library files: written through the services, with history."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from hanse.files.models import FileVersion, LibraryFile
from hanse.wiki.models import Page, Revision

pytestmark = pytest.mark.django_db


def test_small_demo_has_pages_revisions_and_files(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", size="small", seed=1, stdout=io.StringIO(), stderr=io.StringIO())
    connectoren = Page.objects.filter(community__name="Connectoren")
    assert connectoren.filter(title="Wie werde ich Multiplikatorin oder Multiplikator?").exists()
    faq = Page.objects.get(title="Working Out Loud FAQ")
    assert faq.revision_count == 3 and Revision.objects.filter(page=faq).count() == 3
    refugees = Page.objects.get(title="Konto für Geflüchtete eröffnen", community__isnull=True)
    assert refugees.parent.title == "Kundenservice"
    welcome = connectoren.get(title="Willkommen bei den Connectoren")
    assert "wiki-missing" not in welcome.body_html.split("Treffen-Notizen")[0]
    assert Page.objects.filter(is_template=True).exists()
    pdf = LibraryFile.objects.get(name="Connectoren-Programm-2026.pdf")
    assert pdf.version_count == 2 and pdf.current_version.content_type == "application/pdf"
    assert FileVersion.objects.filter(text__contains="Multiplikatoren").exists()
