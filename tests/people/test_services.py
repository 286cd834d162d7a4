"""People services: org unit paths, profile updates and follows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.models import Follow, OrgUnit, Skill, User
from hanse.people.services import (
    follow,
    orgunit_create,
    orgunit_update,
    person_hr_update,
    profile_update,
    skill_slug,
    unfollow,
)


def _paths() -> dict[str, tuple[str, int]]:
    return {u.slug: (u.path, u.depth) for u in OrgUnit.objects.all()}


def test_orgunit_create_builds_path_depth_and_slug(org):
    """A new unit gets its parent's path plus its own zero-padded id, depth and a slug."""
    bank, it, it_ops = org["bank"], org["it"], org["it_ops"]
    assert bank.path == f"{bank.pk:04d}."
    assert bank.depth == 0
    assert it.path == f"{bank.pk:04d}.{it.pk:04d}."
    assert it_ops.path == f"{bank.pk:04d}.{it.pk:04d}.{it_ops.pk:04d}."
    assert it_ops.depth == 2
    assert it.slug == "it-und-organisation"
    assert bank.slug == "sparkasse-hanse"


def test_orgunit_create_makes_slug_unique(org):
    """A second unit with the same name gets a numbered slug."""
    again = orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.TEAM, parent=org["private"])
    third = orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.TEAM, parent=org["private"])
    assert again.slug == "it-betrieb-2"
    assert third.slug == "it-betrieb-3"


def test_orgunit_create_refuses_empty_name_and_taken_slug(org):
    """Invalid input is refused with field errors and nothing is written."""
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as exc:
        orgunit_create(name="  ", kind="planet", slug="it-betrieb")
    assert exc.value.message_dict == {
        "name": ["Please give the unit a name."],
        "kind": ["Please choose a valid kind of unit."],
        "slug": ["Another unit already uses this address."],
    }
    assert OrgUnit.objects.count() == before


def test_orgunit_update_moves_whole_subtree(org):
    """Moving a division below another rewrites the path and depth of its whole subtree."""
    bank, private, it, it_ops = org["bank"], org["private"], org["it"], org["it_ops"]
    team = orgunit_create(name="Netzwerk", kind=OrgUnit.Kind.TEAM, parent=it_ops)
    moelln_before = _paths()["filiale-molln"]

    orgunit_update(unit=it, parent=private)

    it.refresh_from_db()
    it_ops.refresh_from_db()
    team.refresh_from_db()
    base = f"{bank.pk:04d}.{private.pk:04d}."
    assert it.parent_id == private.pk
    assert (it.path, it.depth) == (f"{base}{it.pk:04d}.", 2)
    assert (it_ops.path, it_ops.depth) == (f"{base}{it.pk:04d}.{it_ops.pk:04d}.", 3)
    assert (team.path, team.depth) == (f"{base}{it.pk:04d}.{it_ops.pk:04d}.{team.pk:04d}.", 4)
    assert _paths()["filiale-molln"] == moelln_before


def test_orgunit_update_moves_to_top(org):
    """A unit moved to no parent becomes a root with depth 0."""
    orgunit_update(unit=org["it_ops"], parent=None)
    it_ops = OrgUnit.objects.get(pk=org["it_ops"].pk)
    assert (it_ops.path, it_ops.depth, it_ops.parent_id) == (f"{it_ops.pk:04d}.", 0, None)


@pytest.mark.parametrize("target", ["it", "it_ops"])
def test_orgunit_update_refuses_cycles(org, target):
    """A unit cannot be moved below itself or its own descendants; nothing changes."""
    before = _paths()
    with pytest.raises(ServiceError) as exc:
        orgunit_update(unit=org["it"], parent=org[target])
    assert str(exc.value.message) == (
        "A unit cannot be moved below itself or one of its own sub-units."
    )
    assert exc.value.code == "cycle"
    assert _paths() == before
    assert OrgUnit.objects.get(pk=org["it"].pk).parent_id == org["bank"].pk


def test_orgunit_update_changes_plain_fields(org, make_user):
    """Renaming and setting a manager saves only those fields."""
    boss = make_user("boss")
    orgunit_update(unit=org["it"], name="IT", manager=boss, sort_order=3)
    it = OrgUnit.objects.get(pk=org["it"].pk)
    assert (it.name, it.manager_id, it.sort_order) == ("IT", boss.pk, 3)
    assert it.slug == "it-und-organisation"


def test_orgunit_update_refuses_unknown_fields(org):
    """Only the unit's own editable fields may be changed."""
    with pytest.raises(ServiceError) as exc:
        orgunit_update(unit=org["it"], path="0001.")
    assert str(exc.value.message) == "These fields cannot be changed: path."


def test_follow_and_unfollow_are_idempotent(make_user):
    """Following twice keeps one edge; unfollowing twice is harmless."""
    anna, ben = make_user("anna"), make_user("ben")
    first = follow(follower=anna, followee=ben)
    second = follow(follower=anna, followee=ben)
    assert first.pk == second.pk
    assert Follow.objects.filter(follower=anna, followee=ben).count() == 1
    assert list(ben.followers.all()) == [anna]
    unfollow(follower=anna, followee=ben)
    unfollow(follower=anna, followee=ben)
    assert not Follow.objects.exists()


def test_cannot_follow_yourself(make_user):
    """Following oneself is refused with a clear message."""
    anna = make_user("anna")
    with pytest.raises(ServiceError) as exc:
        follow(follower=anna, followee=anna)
    assert str(exc.value.message) == "You cannot follow yourself."
    assert not Follow.objects.exists()


def test_cannot_follow_inactive_person(make_user):
    """A deactivated colleague cannot be followed."""
    anna, gone = make_user("anna"), make_user("gone", is_active=False)
    with pytest.raises(ServiceError) as exc:
        follow(follower=anna, followee=gone)
    assert str(exc.value.message) == "This person is no longer active."
    assert not Follow.objects.exists()


def test_profile_update_saves_everything(org, make_user):
    """All profile fields are saved; skills are created once with a slug and reused."""
    anna = make_user("anna")
    Skill.objects.create(name="Python", slug="python")
    profile_update(
        user=anna,
        by=anna,
        first_name=" Anna ",
        last_name="Becker",
        phone="+49 451 123-45",
        mobile="0170 1234567",
        about="Ich berate Privatkunden.\nUnd ich programmiere.",
        languages=["de", "en", "de"],
        skills=["python", "Baufinanzierung", "C++", "C"],
        ask_me_about=["Working Out Loud", "Python"],
        ui_language="en",
    )
    anna = User.objects.get(pk=anna.pk)
    assert anna.first_name == "Anna"
    assert anna.about == "Ich berate Privatkunden.\nUnd ich programmiere."
    assert anna.languages == ["de", "en"]
    assert anna.ui_language == "en"
    assert sorted(s.slug for s in anna.skills.all()) == [
        "baufinanzierung",
        "c",
        "c-plus-plus",
        "python",
    ]
    assert {s.name for s in anna.skills.all()} == {"Python", "Baufinanzierung", "C++", "C"}
    assert sorted(s.name for s in anna.ask_me_about.all()) == ["Python", "Working Out Loud"]
    assert Skill.objects.filter(slug="python").count() == 1


def test_profile_update_leaves_unspecified_fields(make_user):
    """Fields that are not passed keep their value."""
    anna = make_user("anna", job_title="Revisorin")
    profile_update(user=anna, by=anna, phone="123")
    anna.refresh_from_db()
    assert (anna.job_title, anna.phone) == ("Revisorin", "123")


def test_profile_update_reports_all_errors_and_writes_nothing(make_user):
    """Bad input gives one message per field and leaves the profile untouched."""
    anna = make_user("anna", job_title="Revisorin")
    with pytest.raises(ValidationError) as exc:
        profile_update(
            user=anna,
            by=anna,
            first_name="",
            last_name="y" * 151,
            phone="call me maybe",
            languages=["de", "xx"],
            skills=["Python", "y" * 61, "   "],
            ask_me_about=[f"Topic {n}" for n in range(31)],
            ui_language="fr",
        )
    assert exc.value.message_dict == {
        "first_name": ["Please enter your first name."],
        "last_name": ["Please use at most 150 characters (you used 151)."],
        "phone": ["Please enter a phone number with digits, spaces and + ( ) / - only."],
        "languages": ["“xx” is not a language we know."],
        "skills": [
            "“yyyyyyyyyyyyyyyyyyyy…” is too long: a skill or topic may have at most 60 characters.",
            "A skill or topic cannot be empty.",
        ],
        "ask_me_about": ["Please list at most 30 entries; you gave 31."],
        "ui_language": ["Please choose German, English or the browser's language."],
    }
    anna.refresh_from_db()
    assert anna.job_title == "Revisorin"
    assert anna.first_name == "Anna"
    assert not Skill.objects.exists()
    assert not anna.skills.exists()


def test_profile_update_accepts_exactly_thirty_skills_of_sixty_characters(make_user):
    """The limits are inclusive: 30 skills, each up to 60 characters."""
    anna = make_user("anna")
    names = [f"{n:02d}" + "s" * 58 for n in range(30)]
    profile_update(user=anna, by=anna, skills=names)
    assert anna.skills.count() == 30


def test_profile_update_refuses_symbol_only_skill(make_user):
    """A skill needs a letter or digit so that it can have an address."""
    anna = make_user("anna")
    with pytest.raises(ValidationError) as exc:
        profile_update(user=anna, by=anna, skills=["!!!"])
    assert exc.value.message_dict == {"skills": ["“!!!” needs at least one letter or digit."]}


def test_only_self_or_admin_may_edit_a_profile(make_user, admin_user):
    """A colleague is refused; an administrator may edit."""
    anna, ben = make_user("anna"), make_user("ben")
    with pytest.raises(PermissionRefused) as exc:
        profile_update(user=anna, by=ben, about="Chefin")
    assert str(exc.value.message) == "You may only edit your own profile."
    anna.refresh_from_db()
    assert anna.about == ""
    profile_update(user=anna, by=admin_user, about="Chefin")
    anna.refresh_from_db()
    assert anna.about == "Chefin"


def test_skill_slug_keeps_programming_languages_apart():
    """C, C++ and C# are three different skills."""
    assert {skill_slug("C"), skill_slug("C++"), skill_slug("C#")} == {
        "c",
        "c-plus-plus",
        "c-sharp",
    }


@pytest.mark.parametrize("field", ["job_title", "org_unit", "location"])
def test_profile_update_does_not_take_hr_fields(org, make_user, field):
    """The service a person edits their profile with has no way to set HR's fields."""
    anna = make_user("anna")
    with pytest.raises(TypeError):
        profile_update(user=anna, by=anna, **{field: None})


def test_person_hr_update_is_for_hr_and_administrators(org, make_user, admin_user):
    """The person and a colleague are refused; an administrator and HR (change_user) may."""
    anna, ben = make_user("anna"), make_user("ben")
    hr = make_user("hr")
    hr.user_permissions.add(Permission.objects.get(codename="change_user"))
    hr = User.objects.get(pk=hr.pk)  # drop the cached permissions
    for by in (anna, ben):
        with pytest.raises(PermissionRefused) as exc:
            person_hr_update(user=anna, by=by, org_unit=org["it_ops"])
        assert str(exc.value.message) == "Only HR and administrators may change this."
    anna.refresh_from_db()
    assert anna.org_unit is None
    person_hr_update(user=anna, by=admin_user, org_unit=org["it_ops"], job_title=" Leiterin ")
    person_hr_update(user=anna, by=hr, location=org["moelln_location"])
    anna.refresh_from_db()
    assert (anna.org_unit, anna.job_title, anna.location) == (
        org["it_ops"],
        "Leiterin",
        org["moelln_location"],
    )
    with pytest.raises(ValidationError) as verr:
        person_hr_update(user=anna, by=hr, job_title="x" * 121)
    assert verr.value.message_dict == {
        "job_title": ["Please use at most 120 characters (you used 121)."]
    }
