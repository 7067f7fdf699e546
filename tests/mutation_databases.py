"""A pytest plugin for ``bin/mutate`` only (``-p tests.mutation_databases``), never for the suite.

A mutation run tests each mutant in a process of its own, forked from one that has imported the
project once. Each such process would otherwise make a new SQLite test database, migrations and all,
for a few tests. Here every process takes a free slot among a few (an exclusive ``flock``, released
when the process ends) and keeps that slot's database: made by the first mutant that uses it, reused
(``--reuse-db``) by every one after it, so that two workers never share one database. On SQLite the
database is a file of the slot; on PostgreSQL (``RELAIS_MUTATION_DATABASE_URL``, see ``bin/mutate``),
a database of the slot on the server.
"""

from __future__ import annotations

import fcntl
import importlib
import os
from pathlib import Path
from typing import IO

import pytest

SLOTS = 8
_held: dict[int, tuple[IO[str], str]] = {}  # process id -> (its slot's lock, its database)


def _slot_database() -> str:
    """This process's database: the first slot no other living process holds."""
    pid = os.getpid()
    if pid in _held:
        return _held[pid][1]
    folder = Path(os.environ.get("RELAIS_MUTATION_DB_DIR", "/dev/shm"))  # noqa: S108
    for slot in range(SLOTS):
        lock = open(folder / f"relais-mutation-{slot}.lock", "w")  # noqa: SIM115 (held until exit)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        _held[pid] = (lock, str(folder / f"relais-mutation-{slot}.sqlite3"))
        return _held[pid][1]
    raise pytest.UsageError(f"More than {SLOTS} mutation workers at once: run bin/mutate with fewer.")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from django.db import connections

    default = connections["default"]
    if default.vendor not in ("sqlite", "postgresql"):
        raise pytest.UsageError("Mutation runs use SQLite or PostgreSQL.")
    default.close()
    database = _slot_database()
    if default.vendor == "postgresql":
        # The slot's own database on the server: the locks and the races are PostgreSQL's own, and a
        # run there counts the mutants that SQLite (where a lock is a no-op) cannot tell apart.
        database = "test_relais_mutation_" + Path(database).stem.rsplit("-", 1)[-1]
    default.settings_dict.setdefault("TEST", {})["NAME"] = database


@pytest.fixture(scope="session", autouse=True)
def default_categories_back(django_db_setup, django_db_blocker):
    """A reused database may come from a run whose transactional tests flushed it at their end (they
    run last): put back the categories the migrations seed, as ``flushable_audit`` does."""
    from teams.models import Category

    defaults = importlib.import_module("records.migrations.0003_default_categories")
    with django_db_blocker.unblock():
        for code, label_fr, label_en, description_fr, description_en in defaults.DEFAULTS:
            Category.objects.update_or_create(
                code=code,
                defaults={
                    "label_fr": label_fr,
                    "label_en": label_en,
                    "description_fr": description_fr,
                    "description_en": description_en,
                },
            )


@pytest.fixture(autouse=True)
def statements_compiled_anew() -> None:
    """Each test compiles the policy's statements anew (``access.compiled``): a mutant of a rule's
    queryset is forked from a process that may have compiled the original already, and a statement
    kept from it would run the original rule under the mutant's name (a survivor nobody could kill)."""
    from access import compiled

    compiled._templates.clear()
