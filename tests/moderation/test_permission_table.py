"""Who may report, see the queue and act, for every actor and every kind of content."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client

from hanse.communities.services import membership_change_role
from hanse.core import moderation as registry
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.moderation import selectors, services
from hanse.moderation.models import Hiding, Report
from hanse.people.models import User
from tests.moderation.conftest import ACTORS, KINDS, ModCast

pytestmark = pytest.mark.django_db

# May report (sees it and is not its author). The platform moderator is not a member of the
# private community: they do not see its content in place, only reports in their queue.
REPORT = {
    "anonymous": "404",
    "member": "ok",
    "outsider": "404",
    "author": "refused",
    "community_moderator": "ok",
    "platform_moderator": "404",
    "admin": "ok",
}
# May act on a report (hide, remove, dismiss, warn).
ACT = {
    "anonymous": False,
    "member": False,
    "outsider": False,
    "author": False,
    "community_moderator": True,
    "platform_moderator": True,
    "admin": True,
}
# Sees the content in place (its visible_to) while hidden; while removed.
SEES_HIDDEN = {
    "anonymous": False,
    "member": False,
    "outsider": False,
    "author": True,
    "community_moderator": True,
    "platform_moderator": False,
    "admin": True,
}
SEES_REMOVED = {**SEES_HIDDEN, "author": False}


def _report(mod: ModCast, kind: str, by: User | None = None) -> Report:
    return services.report_create(
        reporter=by or mod.member,
        kind=kind,
        object_id=mod.content[kind].pk,
        category="harassment",
        text="Beleidigt einen Kunden",
    )


def _visible(user: User | None, kind: str, obj: object) -> bool:
    mtype = registry.get(kind)
    assert mtype is not None
    return mtype.visible_to(user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_report(mod: ModCast, kind: str, actor: str) -> None:
    """Anyone who sees the content may report it, except its author."""
    user = mod.actor(actor)
    expected = REPORT[actor]
    try:
        if user is None:
            raise Http404
        _report(mod, kind, by=user)
        outcome = "ok"
    except Http404:
        outcome = "404"
    except PermissionRefused:
        outcome = "refused"
    assert outcome == expected
    assert Report.objects.count() == (1 if expected == "ok" else 0)


@pytest.mark.parametrize("kind", KINDS)
def test_one_open_report_per_person(mod: ModCast, kind: str) -> None:
    """A second report of the same content by the same person is refused while open."""
    _report(mod, kind)
    with pytest.raises(ServiceError, match="already reported"):
        _report(mod, kind)
    assert Report.objects.count() == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_sees_the_queue_and_acts(mod: ModCast, kind: str, actor: str) -> None:
    """Community moderators, platform moderators and admins see the report and may hide."""
    _report(mod, kind)
    user = mod.actor(actor)
    in_queue = user is not None and selectors.queue_for(user).exists()
    assert in_queue == ACT[actor]
    obj = mod.content[kind]
    if ACT[actor]:
        services.content_hide(by=user, kind=kind, object_id=obj.pk, reason="Beleidigung")
        assert Hiding.objects.filter(kind=kind, object_id=obj.pk).exists()
        assert Report.objects.get().outcome == "hidden"
    else:
        with pytest.raises(PermissionRefused):
            services.content_hide(by=user, kind=kind, object_id=obj.pk, reason="x")
        assert not Hiding.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_sees_hidden_and_removed_content(mod: ModCast, kind: str, actor: str) -> None:
    """Hidden: author and moderators only; removed: moderators only; restored: everyone."""
    obj = mod.content[kind]
    user = mod.actor(actor)
    before = _visible(user, kind, obj)
    services.content_hide(by=mod.admin, kind=kind, object_id=obj.pk, reason="Beleidigung")
    assert _visible(user, kind, obj) == (before and SEES_HIDDEN[actor])
    services.content_remove(by=mod.admin, kind=kind, object_id=obj.pk, reason="Beleidigung")
    assert _visible(user, kind, obj) == (before and SEES_REMOVED[actor])
    services.content_restore(by=mod.admin, kind=kind, object_id=obj.pk)
    assert _visible(user, kind, obj) == before


@pytest.mark.parametrize("kind", KINDS)
def test_nobody_moderates_their_own_content(mod: ModCast, kind: str) -> None:
    """A moderator's own content is not in their queue and they may not act on it."""
    membership_change_role(
        community=mod.community, user=mod.author, role="moderator", by=mod.community_moderator
    )
    _report(mod, kind)
    author = User.objects.get(pk=mod.author.pk)
    assert not selectors.queue_for(author).exists()
    with pytest.raises(PermissionRefused):
        services.content_hide(by=author, kind=kind, object_id=mod.content[kind].pk, reason="x")


@pytest.mark.parametrize(
    ("actor", "report_page", "queue_page"),
    [
        ("anonymous", 302, 302),
        ("member", 200, 404),
        ("outsider", 404, 404),
        ("author", 200, 404),
        ("community_moderator", 200, 200),
        ("platform_moderator", 404, 200),
        ("admin", 200, 200),
    ],
)
def test_pages_for_every_actor(
    mod: ModCast,
    client_for: Callable[[User | None], Client],
    actor: str,
    report_page: int,
    queue_page: int,
) -> None:
    """The report form and the queue answer each actor as the rules say."""
    client = client_for(mod.actor(actor))
    post = mod.content["post"]
    assert client.get(f"/moderation/report/post/{post.pk}/").status_code == report_page
    assert client.get("/moderation/").status_code == queue_page


def test_unknown_kind_and_id_are_404(
    mod: ModCast, client_for: Callable[[User | None], Client]
) -> None:
    """An unknown kind or id answers like an invisible one."""
    client = client_for(mod.member)
    assert client.get("/moderation/report/nonsense/1/").status_code == 404
    assert client.get("/moderation/report/post/999999/").status_code == 404
    assert client.get(f"/moderation/case/post/{mod.content['post'].pk}/").status_code == 404
