"""Issue "Written in stone", §7: the accesses that had already ended before their end was recorded
get it written by the migration that adds it, so that no switch revives them after the upgrade."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import make_member, make_person, make_team

BEFORE = [("consent", "0011_space_reset")]
AFTER = [("consent", "0012_glass_end_and_review_duties")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_the_end_of_what_had_ended_and_leaves_the_rest_open(flushable_audit):
    team, off, elsewhere = make_team("Ouverte"), make_team("Fermée"), make_team("Ailleurs")
    worker = make_member(team)
    person = make_person(team, display_name="Jo")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    GlassBreak, Team = old.get_model("consent", "GlassBreak"), old.get_model("teams", "Team")
    Team.objects.filter(pk=off.pk).update(glass_break_allowed=False)
    now = timezone.now()

    def opened(team_id, ends_at):
        return GlassBreak.objects.create(
            person_id=person.pk,
            team_id=team_id,
            opened_by_id=worker.pk,
            reason="cannot_be_asked",
            statement="",
            ends_at=ends_at,
        ).pk

    running = opened(team.pk, now + timedelta(hours=2))
    passed = opened(team.pk, now - timedelta(hours=1))
    switched_off = opened(off.pk, now + timedelta(hours=2))  # Fermée does not follow Jo either
    not_following = opened(elsewhere.pk, now + timedelta(hours=2))
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("consent", "GlassBreak")
    ends = {g.pk: (g.end_reason, g.ended_at) for g in new.objects.all()}
    assert ends[running] == ("", None)
    assert ends[passed][0] == "time_passed" and ends[passed][1] < now
    assert ends[switched_off][0] == "switched_off"
    assert ends[not_following][0] == "follow_up_closed"
    latest = MigrationExecutor(connection)  # the rest of the suite runs on the latest schema again
    latest.migrate(latest.loader.graph.leaf_nodes())
