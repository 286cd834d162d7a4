"""The Grafana dashboard and the alert rules in deploy/ ask only for metrics Hanse exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import override_settings

from tests.observability.metrics_support import scrape

DEPLOY = Path(settings.BASE_DIR) / "deploy"
NAME = re.compile(r"\bhanse_[a-z_]+")
# Histogram and counter series carry these suffixes in the exposition.
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def _exposed_names() -> set[str]:
    from prometheus_client import REGISTRY

    names = {name for name, _labels in scrape()}
    for collector in list(REGISTRY._collector_to_names):
        for family in collector.describe() if hasattr(collector, "describe") else []:
            names.add(family.name)
            names.update(s.name for s in family.samples)
    for metric in REGISTRY.collect():
        names.add(metric.name)
        for suffix in SUFFIXES:
            names.add(metric.name + suffix)
    return names


def _expressions() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text())
    found = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    alerts = yaml.safe_load((DEPLOY / "prometheus-alerts.yml").read_text())
    found += [rule["expr"] for group in alerts["groups"] for rule in group["rules"]]
    return found


@pytest.mark.django_db
@override_settings(
    TASKS={
        "default": {
            "BACKEND": "hanse.jobs.backends.DatabaseBackend",
            "QUEUES": ["live", "default"],
        }
    }
)
def test_every_metric_in_dashboard_and_alerts_exists() -> None:
    exposed = _exposed_names()
    # Heartbeat ages appear once a heartbeat was recorded; their names are fixed.
    exposed |= {"hanse_worker_heartbeat_age_seconds", "hanse_scheduler_heartbeat_age_seconds"}
    used = {name for expr in _expressions() for name in NAME.findall(expr)}
    assert used, "no metric found in deploy/"
    assert used - exposed == set()


def test_alerts_have_a_runbook_section() -> None:
    alerts = yaml.safe_load((DEPLOY / "prometheus-alerts.yml").read_text())
    docs = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    for rule in alerts["groups"][0]["rules"]:
        assert f"### {rule['alert']}" in docs, rule["alert"]
