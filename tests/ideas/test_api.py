"""/api/v1/ideas and /api/v1/decisions: the same rules as the pages, offset pages, one error
shape; unknown and invisible are the same 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hanse.decisions.services import proposal_create
from hanse.ideas.models import Idea
from hanse.ideas.services import experiment_close, experiment_create, idea_create


def test_ideas_api_flow(place, client_for, make_community, make_user):
    member, other, moderator = place["member"], place["other"], place["moderator"]
    secret = make_community("secret", owner=make_user())
    hidden = idea_create(
        author=secret.created_by, community=secret, title="Geheim", description="x"
    )
    api = client_for(member)
    made = api.post(
        "/api/v1/ideas/",
        {"title": "Weniger Papier", "description": "Tablets", "community": place["community"].slug},
        content_type="application/json",
    )
    assert made.status_code == 201
    idea_id = made.json()["id"]
    listed = client_for(other).get("/api/v1/ideas/?limit=5").json()
    assert [i["id"] for i in listed["items"]] == [idea_id]
    assert listed["total"] == 1 and listed["limit"] == 5
    for _ in range(2):
        supported = client_for(other).post(f"/api/v1/ideas/{idea_id}/support")
        assert supported.json() == {"supported": True, "support_count": 1}
    refused = client_for(member).post(
        f"/api/v1/ideas/{idea_id}/status",
        {"to_status": "parked", "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    no_reason = client_for(moderator).post(
        f"/api/v1/ideas/{idea_id}/status",
        {"to_status": "parked", "reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "required"
    moved = client_for(moderator).post(
        f"/api/v1/ideas/{idea_id}/status",
        {"to_status": "experiment", "reason": "Testen", "hypothesis": "Wenn …"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "experiment"
    history = client_for(other).get(f"/api/v1/ideas/{idea_id}/status").json()
    assert [c["to_status"] for c in history["items"]] == ["experiment"]
    back = client_for(moderator).post(
        f"/api/v1/ideas/{idea_id}/status",
        {"to_status": "new", "reason": "x"},
        content_type="application/json",
    )
    assert back.json()["code"] == "transition_refused"
    unknown = client_for(other).get("/api/v1/ideas/999999")
    invisible = client_for(other).get(f"/api/v1/ideas/{hidden.pk}")
    assert unknown.status_code == invisible.status_code == 404
    assert unknown.json()["code"] == invisible.json()["code"]
    assert Idea.objects.get(pk=idea_id).support_count == 1


def test_experiment_log_api(place, client_for):
    experiment = experiment_create(
        owner=place["member"], community=place["community"], title="Stehtische", hypothesis="H"
    )
    refused = client_for(place["other"]).post(
        f"/api/v1/ideas/experiments/{experiment.pk}/close",
        {"result": "refuted", "lessons": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    experiment_close(experiment=experiment, by=place["member"], result="refuted", lessons="L")
    log = client_for(place["outsider"]).get("/api/v1/ideas/experiments/log?result=refuted").json()
    assert [(e["id"], e["lessons"]) for e in log["items"]] == [(experiment.pk, "L")]


def test_decisions_api(place, client_for):
    proposal = proposal_create(
        proposer=place["member"],
        community=place["community"],
        title="Teamtag",
        text="Am Freitag",
        deadline=timezone.now() + timedelta(days=2),
    )
    api = client_for(place["other"])
    url = f"/api/v1/decisions/{proposal.pk}/responses"
    no_reason = api.post(url, {"kind": "objection"}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    ok = api.post(
        url, {"kind": "objection", "reason": "Quartalsende"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["kind"] == "objection"
    listed = client_for(place["owner"]).get(url).json()
    assert [(r["person"]["username"], r["reason"]) for r in listed["items"]] == [
        ("mia", "Quartalsende")
    ]
    outsider = client_for(place["outsider"]).post(
        url, {"kind": "consent"}, content_type="application/json"
    )
    assert outsider.status_code == 403
    opened = client_for(place["outsider"]).get("/api/v1/decisions/?state=open").json()
    assert [p["id"] for p in opened["items"]] == [proposal.pk]
