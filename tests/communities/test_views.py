"""Community pages: what a person sees and what clicking does."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from hanse.communities import services
from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.core.models import SiteConfiguration


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_directory_lists_and_paginates(make_user, make_community, client_for, settings):
    """Cards with kind badges and counts, 'Mine' tab, search and pages."""
    settings.DIRECTORY_PAGE_SIZE = 5
    anna = make_user()
    make_community("private", owner=anna, name="Aaa Privat")
    for n in range(6):
        make_community("open", owner=make_user(), name=f"Gruppe {n}")
    client = client_for(anna)
    page1 = client.get(reverse("communities:directory")).content.decode()
    assert "Aaa Privat" in page1 and "badge--private" in page1 and "1 member" in page1
    assert "Page 1 of 2" in page1
    page2 = client.get(reverse("communities:directory") + "?page=2").content.decode()
    assert "Gruppe 5" in page2 and "Aaa Privat" not in page2
    mine = client.get(reverse("communities:directory") + "?scope=mine").content.decode()
    assert "Aaa Privat" in mine and "Gruppe 1" not in mine
    found = client.get(reverse("communities:directory") + "?q=gruppe+3").content.decode()
    assert "Gruppe 3" in found and "Gruppe 4" not in found


def test_directory_query_count_is_constant(
    make_user, make_community, client_for, django_assert_max_num_queries
):
    """The directory costs the same number of queries for 3 or 24 communities."""
    anna = make_user()
    for n in range(24):
        community = make_community(["open", "private"][n % 2], owner=make_user(), name=f"C{n:02d}")
        if n % 3 == 0:
            services.membership_add(community=community, user=anna)
    client = client_for(anna)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("communities:directory"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card community-card"') == 24


def test_directory_shows_buttons(make_user, make_community, client_for):
    """Join for open, request for private, 'request sent' after asking."""
    anna = make_user()
    open_c = make_community("open", owner=make_user())
    private = make_community("private", owner=make_user())
    client = client_for(anna)
    body = client.get(reverse("communities:directory")).content.decode()
    assert reverse("communities:join", args=[open_c.slug]) in body
    assert reverse("communities:request_join", args=[private.slug]) in body
    services.join_request_create(community=private, user=anna)
    body = client.get(reverse("communities:directory")).content.decode()
    assert "Request sent" in body
    assert reverse("communities:request_withdraw", args=[private.slug]) in body


def test_create_page_founds_community(make_user, client_for):
    """Filling in the form founds the community and opens it with a welcome."""
    anna = make_user()
    client = client_for(anna)
    page = client.get(reverse("communities:create")).content.decode()
    assert 'type="radio"' in page and "Only members know it exists." in page
    response = client.post(
        reverse("communities:create"),
        {"name": "Connectoren", "tagline": "Wandel", "description": "", "kind": "private"},
        follow=True,
    )
    community = Community.objects.get()
    assert response.redirect_chain[-1][0] == reverse("communities:detail", args=[community.slug])
    assert community.slug.startswith("connectoren-")
    assert community.kind == "private"
    assert "Welcome to your new community “Connectoren”." in messages_of(response)


def test_create_page_shows_errors(make_user, make_community, client_for):
    """An invalid address and a short name come back as form errors; nothing is written."""
    anna = make_user()
    make_community("open", owner=anna, name="Lauftreff")
    client = client_for(anna)
    response = client.post(
        reverse("communities:create"), {"name": "Laufen", "kind": "open", "slug": "Lauf Treff"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    response = client.post(reverse("communities:create"), {"name": "ab", "kind": "open"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Community.objects.count() == 1


def test_create_page_when_restricted(make_user, client_for):
    """With restricted founding the page explains why and the button is gone."""
    config = SiteConfiguration.get()
    config.community_founding = "restricted"
    config.save()
    client = client_for(make_user())
    response = client.get(reverse("communities:create"))
    assert response.status_code == 403
    assert "Only people with the permission to found communities" in response.content.decode()
    response = client.post(reverse("communities:create"), {"name": "Neu", "kind": "open"})
    assert response.status_code == 403
    assert not Community.objects.exists()
    directory = client.get(reverse("communities:directory")).content.decode()
    assert reverse("communities:create") not in directory


def test_detail_header_for_member_and_private_outsider(make_user, make_community, client_for):
    """Members see their role and tabs; private outsiders see the explanation and a button."""
    owner, member = make_user(), make_user()
    community = make_community("private", owner=owner, members=(member,), name="Connectoren")
    body = client_for(member).get(reverse("communities:detail", args=[community.slug]))
    text = body.content.decode()
    assert "Your role: Member" in text and "Newest members" in text
    assert reverse("communities:settings", args=[community.slug]) not in text
    owner_text = client_for(owner).get(reverse("communities:detail", args=[community.slug]))
    assert reverse("communities:settings", args=[community.slug]) in owner_text.content.decode()
    outsider = client_for(make_user()).get(reverse("communities:detail", args=[community.slug]))
    text = outsider.content.decode()
    assert "This community is private. Its posts and members are visible to members only." in text
    assert "Request to join" in text
    assert "Newest members" not in text


def test_join_and_leave_with_messages(make_user, make_community, client_for):
    """Join, then leave; each with a message. The last owner gets a clear refusal."""
    owner, anna = make_user(), make_user()
    community = make_community("open", owner=owner, name="Lauftreff")
    client = client_for(anna)
    response = client.post(reverse("communities:join", args=[community.slug]), follow=True)
    assert "Welcome! You are now a member of “Lauftreff”." in messages_of(response)
    assert Membership.objects.filter(community=community, user=anna).exists()
    response = client.post(reverse("communities:leave", args=[community.slug]), follow=True)
    assert "You have left “Lauftreff”." in messages_of(response)
    response = client_for(owner).post(
        reverse("communities:leave", args=[community.slug]), follow=True
    )
    assert messages_of(response) == [
        "A community needs at least one owner. Make someone else an owner first."
    ]
    assert Membership.objects.filter(community=community, user=owner).exists()


def test_join_redirects_to_next(make_user, make_community, client_for):
    """Joining from the directory returns there; foreign next addresses are ignored."""
    community = make_community("open", owner=make_user())
    client = client_for(make_user())
    url = reverse("communities:join", args=[community.slug])
    response = client.post(url, {"next": "/communities/?page=2"})
    assert response["Location"] == "/communities/?page=2"
    other = make_community("open", owner=make_user())
    response = client.post(
        reverse("communities:join", args=[other.slug]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("communities:detail", args=[other.slug])


def test_request_approve_flow(make_user, make_community, client_for):
    """Ask with a message, the moderator sees it and approves."""
    mod, anna = make_user(), make_user(first_name="Anna", last_name="Becker")
    community = make_community("private", owner=make_user(), moderators=(mod,))
    response = client_for(anna).post(
        reverse("communities:request_join", args=[community.slug]),
        {"message": "Ich möchte mitmachen"},
        follow=True,
    )
    assert messages_of(response) == [
        f"Your request has been sent. The moderators of “{community.name}” will decide."
    ]
    mod_client = client_for(mod)
    page = mod_client.get(reverse("communities:requests", args=[community.slug])).content.decode()
    assert "Ich möchte mitmachen" in page and "Anna Becker" in page
    join_request = JoinRequest.objects.get()
    response = mod_client.post(
        reverse("communities:request_approve", args=[community.slug, join_request.pk]),
        follow=True,
    )
    assert messages_of(response) == ["Anna Becker is now a member."]
    assert Membership.objects.filter(community=community, user=anna, role="member").exists()


def test_request_withdraw_and_decline(make_user, make_community, client_for):
    """The person withdraws; a second request is declined."""
    owner, anna = make_user(), make_user()
    community = make_community("private", owner=owner)
    client = client_for(anna)
    client.post(reverse("communities:request_join", args=[community.slug]), follow=True)
    response = client.post(
        reverse("communities:request_withdraw", args=[community.slug]), follow=True
    )
    assert messages_of(response) == ["Your request has been withdrawn."]
    client.post(reverse("communities:request_join", args=[community.slug]))
    pending = JoinRequest.objects.get(status="pending")
    client_for(owner).post(
        reverse("communities:request_decline", args=[community.slug, pending.pk])
    )
    assert sorted(JoinRequest.objects.values_list("status", flat=True)) == [
        "declined",
        "withdrawn",
    ]


def test_invite_by_email_and_accept_from_directory(make_user, make_community, client_for):
    """Invite by e-mail; the invitee accepts on the directory page."""
    owner = make_user()
    bob = make_user("bob", first_name="Bob", last_name="Bauer")
    community = make_community("secret", owner=owner, name="Vorstandsrunde")
    response = client_for(owner).post(
        reverse("communities:invite", args=[community.slug]),
        {"person": "BOB@example.org"},
        follow=True,
    )
    assert messages_of(response) == ["Bob Bauer has been invited."]
    invitation = Invitation.objects.get()
    bob_client = client_for(bob)
    directory = bob_client.get(reverse("communities:directory")).content.decode()
    assert "Vorstandsrunde" in directory
    assert reverse("communities:invitation_accept", args=[invitation.pk]) in directory
    response = bob_client.post(
        reverse("communities:invitation_accept", args=[invitation.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("communities:detail", args=[community.slug])
    assert Membership.objects.filter(community=community, user=bob).exists()


def test_invite_errors_and_suggestions(make_user, make_community, client_for):
    """Unknown people and members get form errors; suggestions leave members out."""
    owner = make_user()
    bert = make_user("bert", first_name="Bert", last_name="Brandt")
    member = make_user("berta", first_name="Berta", last_name="Brandt")
    community = make_community("open", owner=owner, members=(member,))
    client = client_for(owner)
    url = reverse("communities:invite", args=[community.slug])
    suggestions_url = reverse("communities:invite_suggestions", args=[community.slug])
    # The field (communities/_person_field.html) asks this community's suggestions as one types.
    field = client.get(url).content.decode()
    assert f'hx-get="{suggestions_url}"' in field and 'list="invite-suggestions"' in field
    assert '<datalist id="invite-suggestions">' in field and "aria-invalid" not in field
    refused = client.post(url, {"person": "niemand"}).content.decode()
    assert "Nobody with this username or e-mail address was found." in refused
    assert (
        'aria-invalid="true"' in refused
        and 'aria-describedby="id_person_helptext id_person_error"' in refused
    )
    assert (
        "Berta Brandt is already a member of this community."
        in client.post(url, {"person": "berta"}).content.decode()
    )
    suggestions = client.get(
        reverse("communities:invite_suggestions", args=[community.slug]), {"person": "brandt"}
    ).content.decode()
    assert 'value="bert"' in suggestions and 'value="berta"' not in suggestions
    assert not Invitation.objects.exists()
    assert bert.is_active


def test_members_page_manage(make_user, make_community, client_for, django_assert_max_num_queries):
    """Owners see role selects and remove buttons with a confirmation; changes have messages."""
    owner = make_user()
    bob = make_user("bob", first_name="Bob", last_name="Bauer")
    others = tuple(make_user() for _ in range(20))
    community = make_community("open", owner=owner, members=(bob, *others))
    client = client_for(owner)
    url = reverse("communities:members", args=[community.slug])
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count("data-confirm=") >= 21
    response = client.post(
        reverse("communities:member_role", args=[community.slug, "bob"]),
        {"role": "moderator"},
        follow=True,
    )
    assert messages_of(response) == ["Bob Bauer is now Moderator."]
    response = client.post(
        reverse("communities:member_remove", args=[community.slug, "bob"]), follow=True
    )
    assert messages_of(response) == ["Bob Bauer is no longer a member."]
    community.refresh_from_db()
    assert community.member_count == 21


def test_members_page_for_plain_member_has_no_controls(make_user, make_community, client_for):
    """Plain members see the list without management controls."""
    member = make_user()
    community = make_community("open", owner=make_user(), members=(member,))
    page = client_for(member).get(reverse("communities:members", args=[community.slug]))
    assert "Change role" not in page.content.decode()
    assert 'data-confirm="Remove' not in page.content.decode()


def test_settings_update_and_delete(make_user, make_community, client_for):
    """The owner renames, changes the kind and finally deletes."""
    owner = make_user()
    community = make_community("open", owner=owner, name="Alt")
    client = client_for(owner)
    url = reverse("communities:settings", args=[community.slug])
    response = client.post(
        url, {"name": "Neu", "tagline": "T", "description": "D", "kind": "private"}, follow=True
    )
    assert messages_of(response) == ["The settings have been saved."]
    community.refresh_from_db()
    assert (community.name, community.kind) == ("Neu", "private")
    response = client.post(url, {"name": "x", "kind": "open"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    page = client.get(url).content.decode()
    assert "data-confirm=" in page and reverse("communities:delete", args=[community.slug]) in page
    response = client.post(reverse("communities:delete", args=[community.slug]), follow=True)
    assert messages_of(response) == ["The community “Neu” has been deleted."]
    assert not Community.objects.exists()


def test_leaving_a_secret_community_returns_to_directory(make_user, make_community, client_for):
    """After leaving a secret community its page no longer exists, so we go to the directory."""
    member = make_user()
    community = make_community("secret", owner=make_user(), members=(member,))
    response = client_for(member).post(reverse("communities:leave", args=[community.slug]))
    assert response["Location"] == reverse("communities:directory")


@pytest.mark.parametrize("language", ["de", "en"])
def test_pages_render_in_both_languages(language, make_user, make_community, client_for):
    """Pages render with the person's interface language."""
    owner = make_user(ui_language=language)
    community = make_community("private", owner=owner)
    client = client_for(owner)
    for name in ("detail", "about", "members", "requests", "invite", "settings"):
        response = client.get(reverse(f"communities:{name}", args=[community.slug]))
        assert response.status_code == 200
        assert response["Content-Language"] == language
