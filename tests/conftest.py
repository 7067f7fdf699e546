import copy

import pytest
from django.test.testcases import QuietWSGIRequestHandler
from rest_framework.test import APIClient

from tests.factories import give_consent, make_member, make_note, make_person, make_team

# Tests create many accounts; the production hasher is slow on purpose.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A memory cache of the test's own (see ``fresh_cache``).
MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The live server answers each request in writes of its own (the status and headers, then the body):
# with Nagle's algorithm on, the second waits for the client's delayed acknowledgement, some 40 ms a
# request on the loopback, which the fuzzer and the browser tests spent waiting rather than testing.
# A server behind gunicorn sets TCP_NODELAY itself; the tests' server does so here.
QuietWSGIRequestHandler.disable_nagle_algorithm = True


# Which tests run on one database only --------------------------------------------------------------
#
# A test whose result cannot depend on the database (a browser's journey, accessibility, the
# catalogues, a unit test, a page that only renders what the services answer) is marked
# ``any_database``, most often for its whole module (``pytestmark``). CI runs it on one database and
# leaves it out on the other (``--skip-any-database``, see .ci/run and the README). Every other test
# runs on both. Whatever a module says, a test stays database-sensitive, and runs on both, if it:
# - pins a number of queries (``django_assert_num_queries``, ``django_assert_max_num_queries``): the
#   databases differ there (the consent's lock);
# - commits for real outside a browser's live server (``transaction=True``, ``transactional_db``):
#   several connections, locks and triggers are the databases' own;
# - is marked ``every_database`` (a search, a collation, anything the two databases may answer apart).
SENSITIVE_FIXTURES = {"django_assert_num_queries", "django_assert_max_num_queries"}


def pytest_addoption(parser):
    parser.addoption(
        "--skip-any-database",
        action="store_true",
        help="leave out the tests marked any_database: another run covers them on another database",
    )


def database_agnostic(item) -> bool:
    """True if ``item`` runs on one database only (the rule above)."""
    if item.get_closest_marker("any_database") is None or item.get_closest_marker("every_database"):
        return False
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & SENSITIVE_FIXTURES:
        return False
    marker = item.get_closest_marker("django_db")
    commits = "transactional_db" in fixtures or bool(marker and marker.kwargs.get("transaction"))
    return not (commits and "live_server" not in fixtures)


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--skip-any-database"):
        return
    left_out = [item for item in items if database_agnostic(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not database_agnostic(item)]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def second_factor_optional(settings):
    """Tests sign in with passwords; those of the second factor require it themselves."""
    settings.RELAIS_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def strict_rollback(settings):
    """An error answer after a write the view did not undo fails the test (audit.recorder.error_answer)."""
    settings.RELAIS_STRICT_ROLLBACK = True


@pytest.fixture(scope="module")
def world_written_once(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The world that the test module's ``world()`` returns, written once for all its tests.

    It is written inside a transaction that stays open while the module's tests run and is rolled
    back after the last one; each test runs, as always, inside a savepoint of its own (the ``db``
    fixture, which pytest-django lets a higher-scoped transaction wrap), so whatever a test writes is
    undone before the next one starts from the same rows. The settings of the autouse fixtures below
    (fast hashing, no second factor required, a memory cache, checkpoints in a temporary folder)
    hold while it is written. Only for modules without transactional tests: pytest-django runs those
    after every other, and a flush inside the open transaction would undo it."""
    from django.db import transaction
    from django.test import override_settings

    written_as_in_a_test = override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        RELAIS_MFA_REQUIRED=False,
        CACHES=MEMORY_CACHE,
        RELAIS_AUDIT_CHECKPOINT_DIR=tmp_path_factory.mktemp("world") / "checkpoints",
    )
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with written_as_in_a_test:
                world = request.module.world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world_of_the_module(db, world_written_once):
    """A deep copy of the module's world for one test, as Django's ``TestCase.setUpTestData`` gives:
    the rows are the same for every test (each one's writes are rolled back), and an object changed in
    memory by one test does not leak into the next either."""
    return copy.deepcopy(world_written_once)


@pytest.fixture
def api():
    """An API client asking for English (the service's default is French); ``api.as_(user)`` signs
    in as ``user``."""

    class Client(APIClient):
        def as_(self, user):
            self.force_authenticate(user)
            return self

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def web():
    """A browser-like client (French unless told otherwise); ``web.as_(user)`` signs in as ``user``."""
    from django.test import Client

    class Web(Client):
        def as_(self, user):
            self.force_login(user, backend="teams.backends.UserBackend")
            return self

    return Web()


@pytest.fixture
def team(db):
    return make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))


@pytest.fixture
def other_team(db):
    return make_team("CSAPA Est", ("contact", "health", "addiction"))


@pytest.fixture
def worker(team):
    return make_member(team, username="camille")


@pytest.fixture
def peer(team):
    return make_member(team, peer=True, username="sami")


@pytest.fixture
def colleague(team):
    return make_member(team, username="lea")


@pytest.fixture
def person(team):
    return make_person(team, display_name="Jo")


@pytest.fixture
def shared(person, team, worker):
    """A person who agreed to share housing and contact with the team, and a housing note."""
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    note = make_note(person, worker, team, "housing", "Demande SIAO déposée")
    return consent, note


@pytest.fixture
def flushable_audit(transactional_db):
    """For tests whose writes really commit (several connections).

    The flush that ends such a test empties every table, the default categories and the first
    information texts included, and the audit tables refuse it: the categories and the texts are put
    back first, and a purge permit lets the flush through at the end (this fixture is torn down
    before ``transactional_db``)."""
    import importlib

    from consent.information.first_texts import publish_into
    from consent.models import InformationText
    from teams.models import Category

    publish_into(InformationText)

    defaults = importlib.import_module("records.migrations.0003_default_categories")
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
    yield
    from audit.models import AccessEvent, Anchor, PurgePermit

    # The flush empties tables in an order of its own: the events go first, while the permit exists.
    for chain in set(AccessEvent.objects.values_list("chain", flat=True)):
        PurgePermit.objects.create(chain=chain, up_to_seq=2**63 - 1)
    AccessEvent.objects.all().delete()
    Anchor.objects.all().delete()


@pytest.fixture(autouse=True)
def checkpoint_folder(settings, tmp_path):
    """Each test signs audit checkpoints into a folder of its own, never into var/."""
    settings.RELAIS_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.RELAIS_AUDIT_CHECKPOINT_DIR


@pytest.fixture
def auditor(db):
    from tests.factories import UserFactory

    return UserFactory(username="audit", is_auditor=True)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """A memory cache of its own for each test: sign-in failures counted by one test never lock
    out another, and nothing is written to var/."""
    from django.core.cache import cache

    settings.CACHES = MEMORY_CACHE
    cache.clear()
    yield
    cache.clear()
