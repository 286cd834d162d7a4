"""The wiki's pages as a person uses them, and the notifications and review reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.notifications.models import Notification
from hanse.wiki import services, tasks
from hanse.wiki.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(club, people):
    return services.page_create(
        by=people["member"],
        community=club,
        title="Working Out Loud FAQ",
        body="# Was ist WOL?\nEine Methode.\n## Wie lange?\nZwölf Wochen.",
    )


def test_page_shows_text_toc_breadcrumbs_authors(client_for, people, club, page):
    child = services.page_create(
        by=people["moderator"], community=club, title="Kreise", parent=page
    )
    html = client_for(people["member"]).get(reverse("wiki:page", args=[child.pk])).content.decode()
    assert "Connectoren" in html and "Working Out Loud FAQ" in html  # breadcrumbs
    html = client_for(people["member"]).get(reverse("wiki:page", args=[page.pk])).content.decode()
    assert 'id="abschnitt-was-ist-wol"' in html
    assert 'href="#abschnitt-wie-lange"' in html
    assert "Kreise" in html  # subpages
    assert "Mia Mitglied" in html  # authors


def test_create_through_form(client_for, people, club):
    client = client_for(people["member"])
    response = client.post(
        reverse("wiki:new"),
        {"community": club.pk, "title": "Konto für Geflüchtete eröffnen", "body": "Schritt 1"},
    )
    page = Page.objects.get(title="Konto für Geflüchtete eröffnen")
    assert response.status_code == 302 and response["Location"] == f"/wiki/{page.pk}/"
    assert page.community == club


def test_conflict_shows_both_texts(client_for, people, page):
    """The second of two editors sees a conflict with both texts; nothing is lost."""
    base = page.current_revision_id
    first = client_for(people["member"]).post(
        reverse("wiki:edit", args=[page.pk]),
        {"title": page.title, "body": "Text von Mia", "base_revision": base},
    )
    assert first.status_code == 302
    second = client_for(people["moderator"]).post(
        reverse("wiki:edit", args=[page.pk]),
        {"title": page.title, "body": "Text von Moritz", "base_revision": base},
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else saved this page meanwhile" in html
    assert "Text von Mia" in html and "Text von Moritz" in html
    page.refresh_from_db()
    assert page.body == "Text von Mia" and page.revision_count == 2
    # The form now starts from their version: saving again goes through.
    assert f'value="{page.current_revision_id}"' in html
    third = client_for(people["moderator"]).post(
        reverse("wiki:edit", args=[page.pk]),
        {"title": page.title, "body": "Beides", "base_revision": page.current_revision_id},
    )
    assert third.status_code == 302
    assert Page.objects.get(pk=page.pk).body == "Beides"


def test_history_diff_revision_restore(client_for, people, page):
    client = client_for(people["member"])
    services.page_update(
        page=page, by=people["member"], title=page.title, body="Neuer Text.",
        base_revision_id=None, note="Gekürzt",
    )  # fmt: skip
    history = client.get(reverse("wiki:history", args=[page.pk])).content.decode()
    assert "Gekürzt" in history
    diff = client.get(reverse("wiki:diff", args=[page.pk]) + "?from=1&to=2").content.decode()
    assert "<ins>" in diff and "<del>" in diff and "Neuer" in diff
    old = client.get(reverse("wiki:revision", args=[page.pk, 1])).content.decode()
    assert "Zwölf Wochen" in old
    response = client.post(reverse("wiki:restore", args=[page.pk, 1]))
    assert response.status_code == 302
    page.refresh_from_db()
    assert "Zwölf Wochen" in page.body and page.revision_count == 3


def test_bad_diff_numbers_are_404(client_for, people, page):
    client = client_for(people["member"])
    assert client.get(reverse("wiki:diff", args=[page.pk]) + "?from=7&to=9").status_code == 404
    assert client.get(reverse("wiki:diff", args=[page.pk]) + "?from=x").status_code == 200


def test_what_links_here(client_for, people, club, page):
    services.page_create(
        by=people["member"], community=club, title="Start", body="Lies [[Working Out Loud FAQ]]"
    )
    html = client_for(people["member"]).get(reverse("wiki:page", args=[page.pk])).content.decode()
    assert "What links here" in html and ">Start</a>" in html


def test_watchers_are_told_collapsed_per_page(people, page, django_capture_on_commit_callbacks):
    """A change tells the page's watchers, not its author; changes by two people are one
    notification per watcher ("Moritz and 1 other changed ...")."""
    services.page_watch_set(page=page, user=people["owner"], watching=True)
    for editor in ("moderator", "outsider_admin"):
        by = people["moderator"] if editor == "moderator" else people["owner"]
        with django_capture_on_commit_callbacks(execute=True):
            services.page_update(
                page=page, by=by, title=page.title, body=editor, base_revision_id=None
            )
    notes = {n.recipient_id: n for n in Notification.objects.filter(type="wiki_page_changed")}
    assert set(notes) == {people["owner"].pk, people["member"].pk, people["moderator"].pk}
    assert notes[people["member"].pk].count == 2
    assert notes[people["owner"].pk].count == 1


def test_review_reminder_reaches_owners_once(people, page):
    Page.objects.filter(pk=page.pk).update(created_at=timezone.now() - timedelta(days=200))
    assert tasks.send_review_reminders.call() == 1
    note = Notification.objects.get(type="wiki_review_due")
    assert note.recipient == people["owner"]
    assert tasks.send_review_reminders.call() == 0
    services.page_mark_reviewed(page=page, by=people["member"])
    assert tasks.send_review_reminders.call() == 0


def test_switched_off_wiki_hides_pages(client_for, people, club, page):
    services.wiki_settings_update(
        community=club, by=people["owner"], enabled=False, edit_policy="members", review_days=90
    )
    client = client_for(people["member"])
    assert client.get(reverse("wiki:page", args=[page.pk])).status_code == 404
    html = client.get(reverse("wiki:community", args=[club.slug])).content.decode()
    assert "switched off" in html


def test_settings_page_for_owners(client_for, people, club):
    url = reverse("wiki:settings", args=[club.slug])
    assert client_for(people["moderator"]).get(url).status_code == 403
    response = client_for(people["owner"]).post(
        url, {"enabled": "on", "edit_policy": "moderators", "review_days": "30"}
    )
    assert response.status_code == 302
    assert club.wiki_settings.edit_policy == "moderators"


def test_index_query_count(client_for, people, club, django_assert_max_num_queries):
    for n in range(12):
        services.page_create(by=people["member"], community=club, title=f"Seite {n}")
    client = client_for(people["member"])
    url = reverse("wiki:community", args=[club.slug])
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_company_wiki(client_for, people, admin_user):
    services.page_create(by=admin_user, community=None, title="Urlaubsregeln", body="Text")
    html = client_for(people["outsider"]).get(reverse("wiki:company")).content.decode()
    assert "Urlaubsregeln" in html
    assert "New page" not in html


def test_found_by_search_only_by_readers(client_for, people, club, page):
    """The page's current text is found on the results page by members, not by outsiders."""
    from hanse.search.index import index_objects

    index_objects("wiki_page", [page.pk])
    found = client_for(people["member"]).get("/search/?q=Methode").content.decode()
    assert "Working Out Loud FAQ" in found
    hidden = client_for(people["outsider"]).get("/search/?q=Methode").content.decode()
    assert "Working Out Loud FAQ" not in hidden
