"""Issue 24: the consents recorded before Relais kept what the person was told are marked so by the
migration that adds it, with no text and no basis: nothing is claimed that nobody can know now. The
migration publishes the first texts, and the database refuses any later consent without both."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_member, make_person, make_team

BEFORE = [("consent", "0017_exclusions_and_note_hidings")]
AFTER = [("consent", "0018_information_and_legal_basis")]


@pytest.mark.django_db(transaction=True)
def test_consents_recorded_before_are_marked_so_and_claim_no_text_nor_basis(flushable_audit):
    team = make_team("Maraude")
    worker = make_member(team)
    person = make_person(team, display_name="Jo")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("consent", "Consent")
    consent = old.objects.create(
        person_id=person.pk, team_id=team.pk, purpose="Suivi", method="oral", recorded_by_id=worker.pk
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    migrated = apps.get_model("consent", "Consent").objects.get(pk=consent.pk)
    assert (migrated.before_information, migrated.information_id, migrated.legal_basis) == (True, None, "")
    texts = apps.get_model("consent", "InformationText").objects.all()
    assert {(t.version, t.language, t.easy_read) for t in texts} == {
        ("1", "fr", False),
        ("1", "fr", True),
        ("1", "en", False),
        ("1", "en", True),
    }
    latest = MigrationExecutor(connection)  # the rest of the suite runs on the latest schema again
    latest.migrate(latest.loader.graph.leaf_nodes())
