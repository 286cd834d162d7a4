"""Demo documents: real PDF, Word, Excel and PowerPoint files in the communities, whose text
file search finds once extracted (on the bank this package shares, see conftest.py)."""

from __future__ import annotations

import pytest

from hanse.communities.models import Community
from hanse.core import searchable
from hanse.demo.documents import FILES
from hanse.people.models import User
from hanse.posts.models import Attachment
from hanse.search.files import extract_missing
from hanse.search.index import reindex_type
from hanse.search.models import FileText
from hanse.search.selectors import SearchQuery, search

pytestmark = pytest.mark.django_db


def test_documents_are_shared_and_found_by_their_text():
    shared = Attachment.objects.filter(original_name__in=[f.name for f in FILES])
    communities = set(Community.objects.values_list("slug", flat=True))
    assert shared.count() == len([f for f in FILES if f.community in communities])
    assert set(shared.values_list("kind", flat=True)) == {Attachment.Kind.FILE}
    while extract_missing.call() > 0:  # what the schedule does after seeding
        pass
    texts = FileText.objects.filter(attachment__in=shared)
    assert set(texts.values_list("status", flat=True)) == {FileText.Status.OK}
    file_type = searchable.get("file")
    assert file_type is not None
    reindex_type(file_type)
    # A word from inside each file (not from its name or post) finds it.
    inside = {
        "Merkblatt_Zinsbindung_Sondertilgung.pdf": "Bereitstellungszinsen",
        "Leitfaden_Datenschutz_Schalter_Telefon.pdf": "Datenschutztonnen",
        "Protokoll_Connectoren-Stammtisch.docx": "Tandems",
        "Checkliste_IT-Ausfall_Filiale.docx": "Notfallbelege",
        "Schulungsplan_Auszubildende.xlsx": "Verkaufstraining",
        "Nachhaltigkeit_Massnahmen.xlsx": "Photovoltaik",
        "Befragung_Mobiles_Arbeiten.pptx": "Rücklaufquote",
    }
    admin = User.objects.get(username="admin")
    names = set(shared.values_list("original_name", flat=True))
    assert names and names <= set(inside)
    for name in names:
        found = search(user=admin, query=SearchQuery(text=inside[name], types=("file",)))
        assert [h.title for h in found.hits] == [name]
