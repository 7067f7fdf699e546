"""Issue 23: the migration that brings organisations puts an existing deployment into one, losing
nothing: every team and every staff account joins it, persons' and representatives' spaces join
none, and the auditors keep the whole log they read (explicitly, as the deployment's auditors)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_member, make_note, make_person, make_portal_account, make_team, write_events

BEFORE = [("teams", "0007_second_factor")]
AFTER = [("teams", "0009_every_team_in_an_organisation")]


@pytest.mark.django_db(transaction=True)
def test_an_existing_deployment_becomes_one_organisation_without_losing_anything(flushable_audit):
    maraude, csapa = make_team("Maraude"), make_team("CSAPA")
    worker, nurse = make_member(maraude), make_member(csapa)
    person = make_person(maraude, csapa, display_name="Jo")
    note = make_note(person, worker, maraude)
    space = make_portal_account(person)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Membership = old.get_model("teams", "User"), old.get_model("teams", "Membership")
    auditor = User.objects.create(username="agnes", is_auditor=True).pk
    manager = User.objects.create(username="marc", is_manager=True).pk
    root = User.objects.create(username="root", is_superuser=True, is_staff=True).pk
    memberships = sorted(Membership.objects.values_list("user_id", "team_id"))
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Organisation, Team = new.get_model("teams", "Organisation"), new.get_model("teams", "Team")
    User, Membership = new.get_model("teams", "User"), new.get_model("teams", "Membership")
    Note = new.get_model("records", "Note")
    (organisation,) = Organisation.objects.all()
    assert set(Team.objects.values_list("organisation_id", flat=True)) == {organisation.pk}
    assert set(Team.objects.values_list("pk", flat=True)) == {maraude.pk, csapa.pk}
    accounts = dict(User.objects.values_list("pk", "organisation_id"))
    assert (
        accounts[worker.pk] == accounts[nurse.pk] == accounts[manager] == accounts[auditor] == organisation.pk
    )
    assert accounts[space.pk] is None and accounts[root] is None
    assert User.objects.get(pk=auditor).audits_deployment
    assert not User.objects.get(pk=manager).audits_deployment
    assert sorted(Membership.objects.values_list("user_id", "team_id")) == memberships
    assert Note.objects.filter(pk=note.pk, team_id=maraude.pk).exists()
    latest = MigrationExecutor(connection)  # the rest of the suite runs on the latest schema again
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_new_deployment_gets_no_organisation_of_its_own_making(flushable_audit):
    write_events(1)  # its log is started (the flush at the end lets a started log through)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    assert not executor.loader.project_state(AFTER).apps.get_model("teams", "Organisation").objects.exists()
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())
