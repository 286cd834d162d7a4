"""``{{ value|reverse:'name' }}`` (hanse/core/templatetags/hanse_urls.py) gives exactly what
``{% url 'name' value %}`` gives, for ids, usernames and slugs, under any script prefix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, get_script_prefix, reverse, set_script_prefix

from hanse.core.templatetags.hanse_urls import reverse_args, reverse_one

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


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("chat:message_react", (3, 41)),
        ("chat:thread", (12, 5)),
        ("chat:file", (9, "Präsentation Q3 (final).pdf")),
        ("chat:file", (9, "a?b#c&d.txt")),
    ],
)
def test_several_arguments_as_reverse(prefix: str, name: str, values: tuple[object, ...]) -> None:
    """{% path %} with several arguments, and file names with spaces and umlauts, as reverse()."""
    assert reverse_args(name, *values) == reverse(name, args=list(values))
    context = Context({"a": values[0], "b": values[1], "name": name})
    assert Template("{% load hanse_urls %}{% path name a b %}").render(context) == Template(
        "{% url name a b %}"
    ).render(context)
