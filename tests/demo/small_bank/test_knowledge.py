"""The demo's wiki pages and library files: written through the services, with history (on
the bank this package shares, see conftest.py)."""

from __future__ import annotations

import pytest

from hanse.files.models import FileVersion, LibraryFile
from hanse.wiki.models import Page, Revision
from tests.demo.support import SmallBank

pytestmark = pytest.mark.django_db


def test_small_demo_has_pages_revisions_and_files(
    small_bank: SmallBank, django_capture_on_commit_callbacks
):
    # What the seeding's commit would have run (the text of the library files among it), and
    # what that registers in turn; all of it inside this test's savepoint.
    with django_capture_on_commit_callbacks(execute=True):
        for hook in small_bank.on_commit:
            hook()
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
