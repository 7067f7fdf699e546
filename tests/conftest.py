import pytest
from rest_framework.test import APIClient

from tests.factories import give_consent, make_member, make_note, make_person, make_team


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_optional(settings):
    """Tests sign in with passwords; those of the second factor require it themselves."""
    settings.RELAIS_MFA_REQUIRED = False


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

    The flush that ends such a test empties every table, the default categories included, and the
    audit tables refuse it: the categories are put back first, and a purge permit lets the flush
    through at the end (this fixture is torn down before ``transactional_db``)."""
    import importlib

    from teams.models import Category

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

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()
