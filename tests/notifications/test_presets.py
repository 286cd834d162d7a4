"""Notification presets: one click sets every type's channels; the table stays editable and
the page says which preset is active, or that the choice is the person's own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanse.notifications import registry, selectors, services
from hanse.notifications.models import DeliverySettings, NotificationPreference
from hanse.notifications.registry import NotificationType, RenderedText

pytestmark = pytest.mark.django_db

PAGE = reverse("notifications:preferences")
PRESET = reverse("notifications:preset")


def _enabled(user) -> dict[tuple[str, str], bool]:
    return {
        (choice.ntype.key, channel): on
        for choice in selectors.preferences_of(user=user)
        for channel, on in choice.enabled.items()
    }


def _active(user) -> str | None:
    found = selectors.active_preset(selectors.preferences_of(user=user))
    return found.key if found is not None else None


def test_balanced_is_the_default_and_stores_no_row(user):
    """A person who never chose is on "balanced"; applying it writes no per-type row."""
    assert _active(user) == "balanced"
    services.preferences_preset_apply(user=user, preset="balanced")
    assert NotificationPreference.objects.filter(user=user).count() == 0
    assert DeliverySettings.objects.filter(user=user).exists()


def test_everything_turns_every_channel_on(user):
    """ "Keep me posted on everything": every type, every channel."""
    services.preferences_preset_apply(user=user, preset="everything")
    assert set(_enabled(user).values()) == {True}
    assert _active(user) == "everything"


def test_essentials_keeps_the_bell_and_mails_only_what_matters(user):
    """ "Only what matters": in-app for all; e-mail and push only for important types (and
    where a type says otherwise: direct messages still push)."""
    services.preferences_preset_apply(user=user, preset="essentials")
    enabled = _enabled(user)
    assert enabled[("reaction", "in_app")] is True
    assert enabled[("reply_to_post", "email")] is False
    assert enabled[("reply_to_post", "push")] is False
    assert enabled[("mention", "email")] is True
    assert enabled[("mention", "push")] is True
    assert enabled[("join_request", "push")] is False  # important, but no push by default
    assert enabled[("direct_message", "push")] is True  # the type's own word
    assert enabled[("direct_message", "email")] is False
    assert _active(user) == "essentials"


def test_switching_presets_replaces_the_rows(user):
    """From "everything" back to "balanced" leaves no stale overrides."""
    services.preferences_preset_apply(user=user, preset="everything")
    assert NotificationPreference.objects.filter(user=user).exists()
    services.preferences_preset_apply(user=user, preset="balanced")
    assert NotificationPreference.objects.filter(user=user).count() == 0
    assert _active(user) == "balanced"


def test_one_change_makes_it_the_persons_own(user):
    """A single changed checkbox after a preset: no preset matches any more."""
    services.preferences_preset_apply(user=user, preset="essentials")
    services.preference_set(user=user, type_key="reaction", channel="push", enabled=True)
    assert _active(user) is None


def test_unknown_preset_is_refused_and_changes_nothing(client_for, user):
    """A forged value: a clear message, nothing written."""
    services.preference_set(user=user, type_key="reaction", channel="push", enabled=True)
    before = list(NotificationPreference.objects.values_list("type", "channel", "enabled"))
    response = client_for(user).post(PRESET, {"preset": "alles"}, follow=True)
    assert response.status_code == 200
    assert "There is no such preset." in response.content.decode()
    after = list(NotificationPreference.objects.values_list("type", "channel", "enabled"))
    assert after == before
    assert not DeliverySettings.objects.filter(user=user).exists()


def test_page_shows_presets_and_the_active_one(client_for, user):
    """The page lists the three presets, marks the active one, and says "own selection"."""
    client = client_for(user)
    body = client.get(PAGE).content.decode()
    for preset in registry.PRESETS:
        assert f'value="{preset.key}"' in body
    assert 'value="balanced" class="preset__button" aria-pressed="true"' in body
    assert "Your current setting: <strong>Balanced</strong>" in body

    response = client.post(PRESET, {"preset": "everything"})
    assert response.status_code == 302
    body = client.get(PAGE).content.decode()
    assert "Your current setting: <strong>Keep me posted on everything</strong>" in body
    assert 'id="reaction:email" name="reaction:email" checked' in body

    services.preference_set(user=user, type_key="reaction", channel="email", enabled=False)
    body = client.get(PAGE).content.decode()
    assert "Your own selection" in body
    assert 'aria-pressed="true"' not in body


def test_page_speaks_german(client_for, user):
    """The wording a bank's staff reads."""
    body = client_for(user).get(PAGE, headers={"Accept-Language": "de"}).content.decode()
    for text in ("Alles mitbekommen", "Ausgewogen", "Nur das Wichtigste", "empfohlen"):
        assert text in body


def test_preset_needs_login_and_post(client, client_for, user):
    """Anonymous: to the login page, nothing written; GET: not allowed."""
    response = client.post(PRESET, {"preset": "everything"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client_for(user).get(PRESET).status_code == 405
    assert NotificationPreference.objects.count() == 0


def test_a_type_added_later_joins_every_preset(user):
    """A new app's type takes part without touching the presets."""
    ntype = NotificationType(
        key="test_later_type",
        label="Later",
        description="A type from a later app.",
        render=lambda n: RenderedText(title="", body="", url="/"),
        channels={"in_app": True, "email": "digest", "push": False},
    )
    registry.register(ntype)
    try:
        services.preferences_preset_apply(user=user, preset="everything")
        assert _enabled(user)[("test_later_type", "push")] is True
        services.preferences_preset_apply(user=user, preset="essentials")
        assert _enabled(user)[("test_later_type", "email")] is False
        assert _active(user) == "essentials"
    finally:
        registry._registry.pop("test_later_type")
