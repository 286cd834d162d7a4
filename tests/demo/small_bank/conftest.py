"""The tests in this package only read the small demo bank (seed 1), so it is seeded once for
all of them on a worker, not once per test: inside a transaction that is rolled back when the
last of them is done, so the tests after them meet an empty database as pytest-django
promises. Each test still runs in a savepoint of its own (django_db), rolled back when it ends.
A test that needs an empty database, or another size, seed or option, belongs in tests/demo/.

Nothing commits around the shared bank, so the hooks the seeding registered with
transaction.on_commit have not run: a test that needs what they do runs them itself
(``small_bank.on_commit``), inside its savepoint, as a commit would have."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import TestCase, override_settings

from tests.demo.support import SmallBank, seed


@pytest.fixture(scope="package", autouse=True)
def small_bank(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SmallBank]:
    # autouse: a test here that does not ask for the bank still never meets an empty database
    # or a bank another test left behind.
    media: Path = tmp_path_factory.mktemp("small-bank-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks() as hooks:
            output = seed("small", 1)
        try:
            yield SmallBank(output=output, media_root=media, on_commit=hooks)
        finally:
            transaction.set_rollback(True)
    assert not connection.in_atomic_block


@pytest.fixture(autouse=True)
def _bank_media(_isolated_media: None, settings: Any, small_bank: SmallBank) -> None:
    """The bank's files are where it was seeded, not in the folder each test gets."""
    settings.MEDIA_ROOT = small_bank.media_root
