"""Pages: revisions, the edit conflict, restore, links, rules and settings."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.wiki import services
from hanse.wiki.markup import word_diff
from hanse.wiki.models import Page, PageLink, PageWatch, Revision, WikiSettings

pytestmark = pytest.mark.django_db


def test_create_makes_first_revision_and_watch(club, people):
    """A new page has revision 1, its author watches it, its text is rendered."""
    page = services.page_create(
        by=people["member"], community=club, title="  WOL   FAQ ", body="# Was ist WOL?\n**Fett**"
    )
    assert page.title == "WOL FAQ"
    assert page.revision_count == 1
    revision = page.current_revision
    assert revision is not None and revision.number == 1
    assert "<strong>Fett</strong>" in page.body_html
    assert "<h3>Was ist WOL?</h3>" in page.body_html
    assert PageWatch.objects.filter(page=page, user=people["member"]).exists()


def test_every_save_is_a_revision(club, people):
    page = services.page_create(by=people["member"], community=club, title="Dienstplan")
    first = page.current_revision_id
    services.page_update(
        page=page, by=people["moderator"], title="Dienstplan", body="Neu", base_revision_id=first,
        note="Ergänzt",
    )  # fmt: skip
    page.refresh_from_db()
    assert page.revision_count == 2
    assert list(page.revisions.values_list("number", "note")) == [(2, "Ergänzt"), (1, "")]
    assert page.body == "Neu"


def test_edit_conflict_writes_nothing(club, people):
    """Two people start from version 1; the second save is refused with 409, nothing lost."""
    page = services.page_create(by=people["member"], community=club, title="FAQ", body="A")
    base = page.current_revision_id
    services.page_update(
        page=page, by=people["member"], title="FAQ", body="A und B", base_revision_id=base
    )
    with pytest.raises(services.EditConflict) as caught:
        services.page_update(
            page=Page.objects.get(pk=page.pk),
            by=people["moderator"],
            title="FAQ",
            body="A und C",
            base_revision_id=base,
        )
    assert caught.value.status == 409
    assert caught.value.page.body == "A und B"
    assert Revision.objects.filter(page=page).count() == 2
    assert Page.objects.get(pk=page.pk).body == "A und B"


def test_restore_is_a_new_revision(club, people):
    page = services.page_create(by=people["member"], community=club, title="FAQ", body="alt")
    services.page_update(
        page=page, by=people["member"], title="FAQ", body="neu", base_revision_id=None
    )
    old = page.revisions.get(number=1)
    services.page_restore(page=page, by=people["moderator"], revision=old)
    page.refresh_from_db()
    assert page.body == "alt"
    assert page.revision_count == 3
    assert page.current_revision.note == "Restored version 1"


def test_links_resolve_and_missing_are_marked(club, people):
    """[[Title]] links to the page; a missing one to the create form, marked as missing;
    creating it later turns the link into a real one."""
    target = services.page_create(by=people["member"], community=club, title="Konto eröffnen")
    page = services.page_create(
        by=people["member"],
        community=club,
        title="Übersicht",
        body="Siehe [[konto  ERÖFFNEN]] und [[Noch offen|später]].",
    )
    assert f'href="/wiki/{target.pk}/"' in page.body_html
    assert 'class="wiki-missing"' in page.body_html
    assert ">später</a>" in page.body_html
    assert set(PageLink.objects.filter(source=page).values_list("target_key", flat=True)) == {
        "konto eröffnen",
        "noch offen",
    }
    created = services.page_create(by=people["member"], community=club, title="Noch offen")
    page.refresh_from_db()
    assert "wiki-missing" not in page.body_html
    assert f'href="/wiki/{created.pk}/"' in page.body_html


def test_links_stay_in_their_space(club, people, admin_user):
    """A company-wide page with the same title is not what a community page links to."""
    services.page_create(by=admin_user, community=None, title="Urlaub")
    page = services.page_create(by=people["member"], community=club, title="A", body="[[Urlaub]]")
    assert "wiki-missing" in page.body_html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[[<img src=x onerror=alert(1)>]]",
        "[x](javascript:alert(1))",
        "[[a]](javascript:alert(1))",
    ],
)
def test_hostile_markdown_is_sanitised(club, people, body):
    page = services.page_create(by=people["member"], community=club, title="Böse", body=body)
    html = page.body_html.lower()
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert not re.search(r"<[^>]*\son\w+=", html)


def test_title_unique_per_space(club, people):
    services.page_create(by=people["member"], community=club, title="FAQ")
    with pytest.raises(ServiceError) as caught, transaction.atomic():
        services.page_create(by=people["member"], community=club, title="faq")
    assert caught.value.code == "title_taken"


def test_parent_cycle_refused(club, people):
    a = services.page_create(by=people["member"], community=club, title="A")
    b = services.page_create(by=people["member"], community=club, title="B", parent=a)
    with pytest.raises(ServiceError) as caught:
        services.page_update(
            page=a, by=people["member"], title="A", body="", base_revision_id=None, parent=b
        )
    assert caught.value.code == "parent_cycle"


def test_edit_policy_moderators_only(club, people):
    services.wiki_settings_update(
        community=club, by=people["owner"], enabled=True, edit_policy="moderators", review_days=90
    )
    with pytest.raises(PermissionRefused):
        services.page_create(by=people["member"], community=club, title="X")
    assert services.page_create(by=people["moderator"], community=club, title="X")


def test_only_owners_change_settings(club, people):
    with pytest.raises(PermissionRefused):
        services.wiki_settings_update(
            community=club, by=people["moderator"], enabled=False, edit_policy="members",
            review_days=90,
        )  # fmt: skip
    assert not WikiSettings.objects.exists()


def test_company_pages_need_the_role(people, admin_user):
    from django.contrib.auth.models import Permission

    with pytest.raises(PermissionRefused):
        services.page_create(by=people["member"], community=None, title="Urlaub")
    editor = people["outsider"]
    editor.user_permissions.add(Permission.objects.get(codename="edit_company_pages"))
    editor = type(editor).objects.get(pk=editor.pk)
    assert services.page_create(by=editor, community=None, title="Urlaub").community is None


def test_outsider_may_not_edit(club, people):
    with pytest.raises(PermissionRefused):
        services.page_create(by=people["outsider"], community=club, title="X")


def test_word_diff_marks_additions_and_removals():
    segments = word_diff("Das Konto wird am Schalter eröffnet.", "Das Konto wird online eröffnet.")
    assert [(s.op, s.text) for s in segments] == [
        ("same", "Das Konto wird "),
        ("removed", "am Schalter"),
        ("added", "online"),
        ("same", " eröffnet."),
    ]
