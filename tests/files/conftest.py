from tests.wiki.conftest import club, people  # noqa: F401  # the same cast of people
