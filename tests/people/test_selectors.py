"""People selectors: directory search and filters, org tree, suggestions."""

from __future__ import annotations

import pytest
from django.http import Http404

from hanse.people.models import OrgUnit, Skill
from hanse.people.selectors import (
    get_person_for,
    org_tree,
    people_directory,
    people_to_meet,
    profile_facts,
    unit_detail,
)
from hanse.people.services import follow, orgunit_create, orgunit_update, profile_update


@pytest.fixture
def staff(org, make_user):
    """Four colleagues spread over the small bank."""
    anna = make_user(
        "anna",
        first_name="Anna",
        last_name="Becker",
        job_title="Kundenberaterin",
        org_unit=org["moelln"],
        location=org["moelln_location"],
    )
    jonas = make_user(
        "jonas",
        first_name="Jonas",
        last_name="Schulz",
        job_title="Systemadministrator",
        org_unit=org["it_ops"],
        location=org["head_office"],
    )
    lea = make_user(
        "lea",
        first_name="Lea",
        last_name="Petersen",
        job_title="Leiterin IT",
        org_unit=org["it"],
        location=org["head_office"],
    )
    gone = make_user(
        "gone", first_name="Gerd", last_name="Alt", org_unit=org["it_ops"], is_active=False
    )
    profile_update(user=anna, by=anna, skills=["Baufinanzierung", "Python"])
    profile_update(user=jonas, by=jonas, skills=["Linux"], ask_me_about=["Python"])
    return {"anna": anna, "jonas": jonas, "lea": lea, "gone": gone}


def _names(qs) -> list[str]:
    return [p.username for p in qs]


def test_directory_lists_active_people_alphabetically(staff):
    """Deactivated people never appear."""
    assert _names(people_directory(viewer=staff["anna"])) == ["anna", "lea", "jonas"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("anna", ["anna"]),
        ("BECKER", ["anna"]),
        ("system", ["jonas"]),
        ("python", ["anna", "jonas"]),  # skills and ask-me-about topics
        ("python schulz", ["jonas"]),  # every word must match
        ("it-betrieb", ["jonas"]),  # unit name
        ("Privat", []),  # a parent unit's name does not match its members
        ("nobody", []),
        ("  ", ["anna", "lea", "jonas"]),
    ],
)
def test_directory_search(staff, q, expected):
    """Each word must match a name, username, title, skill or unit name."""
    assert _names(people_directory(viewer=staff["anna"], q=q)) == expected


def test_directory_unit_filter_includes_subtree(staff, org):
    """Filtering by a unit includes all people of its sub-units."""
    assert _names(people_directory(viewer=staff["anna"], unit=org["it"])) == ["lea", "jonas"]
    assert _names(people_directory(viewer=staff["anna"], unit=org["it_ops"])) == ["jonas"]
    assert _names(people_directory(viewer=staff["anna"], unit=org["bank"])) == [
        "anna",
        "lea",
        "jonas",
    ]


def test_directory_unit_filter_follows_moves(staff, org):
    """After moving a subtree the filter follows the new tree."""
    orgunit_update(unit=org["it_ops"], parent=org["private"])
    org["private"].refresh_from_db()
    assert _names(people_directory(viewer=staff["anna"], unit=org["private"])) == [
        "anna",
        "jonas",
    ]


def test_directory_location_and_skill_filters(staff, org):
    """Location and skill filters narrow the list; a skill also matches ask-me-about."""
    viewer = staff["anna"]
    assert _names(people_directory(viewer=viewer, location=org["head_office"])) == [
        "lea",
        "jonas",
    ]
    python = Skill.objects.get(slug="python")
    assert _names(people_directory(viewer=viewer, skill=python)) == ["anna", "jonas"]
    linux = Skill.objects.get(slug="linux")
    assert _names(people_directory(viewer=viewer, skill=linux, location=org["head_office"])) == [
        "jonas"
    ]


def test_directory_has_no_duplicates_for_many_matching_skills(org, make_user):
    """A person matching several skills appears once."""
    p = make_user("multi")
    profile_update(user=p, by=p, skills=["Python 2", "Python 3"], ask_me_about=["Python"])
    assert _names(people_directory(viewer=p, q="python")) == ["multi"]


def test_directory_query_count_is_fixed(org, make_user, django_assert_max_num_queries):
    """Listing 30 people with skills costs the same as listing 3."""
    for n in range(30):
        p = make_user(f"p{n}", org_unit=org["it_ops"], location=org["head_office"])
        profile_update(user=p, by=p, skills=[f"Skill {n}", "Shared"])
    with django_assert_max_num_queries(2):
        people = list(people_directory(viewer=p))
        for person in people:
            _ = [s.name for s in person.skills.all()]
            _ = (person.org_unit.name, person.location.name)
    assert len(people) == 30


def test_get_person_for_404_for_unknown_or_inactive(staff):
    """Unknown and deactivated people are not found."""
    assert get_person_for(viewer=staff["anna"], username="jonas") == staff["jonas"]
    with pytest.raises(Http404):
        get_person_for(viewer=staff["anna"], username="gone")
    with pytest.raises(Http404):
        get_person_for(viewer=staff["anna"], username="nobody")


def test_org_tree_nests_units_with_headcounts(staff, org, make_user, django_assert_num_queries):
    """The tree comes from two queries and counts active people directly and in total."""
    orgunit_update(unit=org["it"], manager=staff["lea"])
    with django_assert_num_queries(2):
        tree = org_tree()
        assert len(tree) == 1
        bank = tree[0]
        assert bank.unit == org["bank"]
        assert [c.unit.name for c in bank.children] == ["IT und Organisation", "Privatkunden"]
        it = bank.children[0]
        assert it.unit.manager.display_name == "Lea Petersen"
        assert (it.headcount, it.total) == (1, 2)
        assert (it.children[0].headcount, it.children[0].total) == (1, 1)  # inactive not counted
        assert (bank.headcount, bank.total) == (0, 3)


def test_org_tree_orders_siblings_by_sort_order_then_name(org):
    """sort_order wins over the name."""
    orgunit_update(unit=org["private"], sort_order=0)
    orgunit_update(unit=org["it"], sort_order=5)
    assert [c.unit.name for c in org_tree()[0].children] == [
        "Privatkunden",
        "IT und Organisation",
    ]


def test_unit_detail(staff, org):
    """A unit page has its parents, manager, sub-units with totals and direct members."""
    orgunit_update(unit=org["it"], manager=staff["lea"])
    detail = unit_detail(viewer=staff["anna"], slug=org["it"].slug)
    assert detail.chain == [org["bank"]]
    assert detail.manager == staff["lea"]
    assert [(n.unit.name, n.total) for n in detail.sub_units] == [("IT-Betrieb", 1)]
    assert _names(detail.members) == ["lea"]
    assert detail.total == 2
    with pytest.raises(Http404):
        unit_detail(viewer=staff["anna"], slug="nope")


def test_profile_facts(staff, org):
    """Chain of units, manager from the unit, follow counts and the viewer's follow state."""
    orgunit_update(unit=org["it_ops"], manager=staff["lea"])
    follow(follower=staff["anna"], followee=staff["jonas"])
    follow(follower=staff["lea"], followee=staff["jonas"])
    follow(follower=staff["jonas"], followee=staff["lea"])
    jonas = get_person_for(viewer=staff["anna"], username="jonas")
    facts = profile_facts(viewer=staff["anna"], person=jonas)
    assert [u.name for u in facts.unit_chain] == [
        "Sparkasse Hanse",
        "IT und Organisation",
        "IT-Betrieb",
    ]
    assert facts.manager == staff["lea"]
    assert (facts.followers_count, facts.following_count, facts.viewer_follows) == (2, 1, True)


def test_manager_of_a_manager_is_the_next_one_up(staff, org, make_user):
    """A unit's manager reports to the manager of a parent unit, not to themself."""
    boss = make_user("boss")
    orgunit_update(unit=org["it"], manager=staff["lea"])
    orgunit_update(unit=org["bank"], manager=boss)
    lea = get_person_for(viewer=staff["anna"], username="lea")
    assert profile_facts(viewer=staff["anna"], person=lea).manager == boss


def test_people_to_meet(staff, org, make_user, django_assert_max_num_queries):
    """Colleagues close by or sharing a skill, not yet followed, never oneself or inactive."""
    stranger = make_user("stranger", org_unit=org["private"])
    ops_mate = make_user("opsmate", org_unit=org["it_ops"], location=org["head_office"])
    jonas = staff["jonas"]
    with django_assert_max_num_queries(1):
        suggestions = people_to_meet(user=jonas, limit=6)
    names = _names(suggestions)
    assert names[0] == "opsmate"  # same unit first
    assert set(names) == {"opsmate", "lea"}  # lea: same location; anna: no shared skill
    assert stranger not in suggestions
    assert "gone" not in names
    follow(follower=jonas, followee=ops_mate)
    assert _names(people_to_meet(user=jonas, limit=6)) == ["lea"]
    anna = staff["anna"]
    profile_update(user=anna, by=anna, skills=["Linux"])
    assert "jonas" in _names(people_to_meet(user=anna, limit=6))
    assert _names(people_to_meet(user=jonas, limit=1)) == ["anna"]  # shared skill before place


def test_unit_path_prefix_does_not_leak_between_similar_ids(org):
    """Unit 1's subtree does not contain unit 10's when ids share leading digits."""
    units = [orgunit_create(name=f"Team {n}", kind=OrgUnit.Kind.TEAM) for n in range(12)]
    first = OrgUnit.objects.order_by("pk").first()
    inside = OrgUnit.objects.filter(path__startswith=first.path)
    assert all(u.path.startswith(first.path) for u in inside)
    assert not any(u in inside for u in units)
