"""``{{ value|reverse:'name' }}`` (hanse/core/templatetags/hanse_urls.py) gives exactly what
``{% url 'name' value %}`` gives, for ids, usernames and slugs, under any script prefix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix

from hanse.core.templatetags.hanse_urls import reverse_one

CASES = [
    ("posts:detail", 1),
    ("posts:detail", 987654321),
    ("posts:bookmark", 42),
    ("posts:react", 7),
    ("people:profile", "anna.schmidt"),
    ("people:profile", "jörg.müller"),
    ("people:profile", "a+b@c-d_e"),
    ("communities:detail", "agile-sparkasse"),
]


@pytest.fixture(params=["/", "/intranet/", "/mit leer/"])
def prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    before = get_script_prefix()
    set_script_prefix(request.param)
    yield request.param
    clear_script_prefix()
    set_script_prefix(before)


@pytest.mark.parametrize(("name", "value"), CASES)
def test_same_as_reverse(prefix: str, name: str, value: object) -> None:
    """The joined URL is reverse()'s, byte for byte."""
    assert reverse_one(name, value) == reverse(name, args=[value])


def test_same_as_the_url_tag_in_a_template(prefix: str) -> None:
    """In a template, escaped as {% url %} is."""
    for name, value in CASES:
        context = Context({"v": value, "name": name})
        fast = Template("{% load hanse_urls %}{{ v|reverse:name }}").render(context)
        tag = Template("{% url name v %}").render(context)
        assert fast == tag
