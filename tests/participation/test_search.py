"""Questions and praise are found by search, only by those who may see them."""

from __future__ import annotations

from hanse.participation.models import PraiseValue
from hanse.participation.praise import praise_create
from hanse.participation.questions import question_create
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, search


def test_questions_and_praise_are_searchable(user, make_user, make_community):
    owner, outsider = make_user(), make_user()
    secret = make_community("secret", owner=owner, members=(user,))
    question = question_create(author=owner, community=secret, body="Wo ist der Zauberschlüssel?")
    praise = praise_create(
        author=user,
        recipient=owner,
        value=PraiseValue.objects.create(name="Neugier"),
        message="Danke für die Schatzkarte",
    )
    index_objects("question", [question.pk])
    index_objects("praise", [praise.pk])
    found = search(user=user, query=SearchQuery(text="Zauberschlüssel", types=("question",)))
    assert [h.object_id for h in found.hits] == [question.pk]
    assert (
        search(user=outsider, query=SearchQuery(text="Zauberschlüssel", types=("question",))).hits
        == []
    )
    hits = search(user=outsider, query=SearchQuery(text="Schatzkarte", types=("praise",))).hits
    assert [h.object_id for h in hits] == [praise.pk]
