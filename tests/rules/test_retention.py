"""Retention (issue 24): a person whose every follow-up ended long ago is archived (no team reads
them), then erased; a person whose space is open is told before each step; a person with an open
follow-up is never touched; the log still verifies after. Tested with the clock moved years ahead,
counting every table's rows before and after."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit import chain
from audit.models import AccessEvent
from consent.consents import services as consent_services
from consent.consents.evidence import EvidenceFile
from consent.models import (
    Consent,
    Disagreement,
    Evidence,
    Exclusion,
    GlassBreak,
    NoteHiding,
    Notice,
    PortalInvitation,
    Receipt,
    Representative,
    Withdrawal,
)
from consent.say import exclusions, hidings
from core.domain_errors import Invalid
from records import follow_ups
from records import services as record_services
from records.audit_names import DIRECTORY
from records.models import FollowUp, Note, Person, PersonGroupObjectPermission
from teams.models import User
from tests.factories import (
    UserFactory,
    give_consent,
    make_member,
    make_note,
    make_organisation,
    make_person,
    make_portal_account,
    make_representative,
    make_team,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LOG = {"audit_accessevent", "audit_chainhead"}  # the log grows by the job's own events


def counts() -> dict[str, int]:
    """Every table's rows."""
    with connection.cursor() as cursor:
        found = {}
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = cursor.fetchone()[0]
    return found


def close_every_follow_up(person, worker):
    for follow_up in FollowUp.objects.filter(person=person, closed_at__isnull=True):
        follow_ups.close_follow_up(user=worker, follow_up_id=follow_up.pk)


def retention(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def years(n: float) -> timedelta:
    return timedelta(days=round(365.25 * n))


@pytest.fixture
def periods(settings):
    settings.RELAIS_ARCHIVE_AFTER_YEARS = 2
    settings.RELAIS_ERASE_AFTER_YEARS = 5
    settings.RELAIS_RETENTION_NOTICE_DAYS = 30


@pytest.fixture
def ended(person, team, worker, periods):
    """Jo, whose only follow-up ended today, with a record behind them: consents (one changed, one
    withdrawn with its receipts), a signed form, notes and a correction, a representative with an
    account, a portal account, notices, a member kept out, a hidden note, an emergency access and a
    disagreement."""
    give_consent(
        person, team, ["housing"], by=worker, method="written", evidence=EvidenceFile("form.png", PNG)
    )
    changed = give_consent(person, team, ["housing", "contact"], by=worker)
    consent_services.withdraw_consent(user=worker, consent_id=changed.pk, method="oral")
    note = make_note(person, worker, team, "housing", "Demande SIAO déposée")
    record_services.correct_note(user=worker, note_id=note.pk, body="Demande SIAO déposée le 3")
    make_note(person, worker, team, "support_plan", "RDV CAF")
    make_representative(person, by=worker)
    consent_services.invite_to_portal(user=worker, person_id=person.pk)
    make_portal_account(person)
    # The person's own say: a member kept out, a note hidden (both its versions); an emergency
    # access that ended, and a disagreement with a line of the journal.
    exclusions.keep_out(
        user=worker, person_id=person.pk, member_id=make_member(team).pk, presence="in_person", confirmed=True
    )
    hidings.hide_note(user=person.account, note_id=note.pk)
    GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="Injoignable.",
        ends_at=timezone.now(),
    )
    line = AccessEvent.objects.filter(person_id=person.pk).latest("id")
    Disagreement.objects.create(person=person, event_id=line.pk, statement="Non.", written_by=person.account)
    close_every_follow_up(person, worker)
    return person


def rows_of(person: Person) -> dict[str, int]:
    """The rows that hold something of the person, table by table, counted without the job's help."""
    accounts = [
        person.account_id,
        *Representative.objects.filter(person=person).values_list("account_id", flat=True),
    ]
    consents = Consent.objects.filter(person=person)
    return {
        "records_person": 1,
        "records_followup": FollowUp.objects.filter(person=person).count(),
        "records_note": Note.objects.filter(person=person).count(),
        "records_persongroupobjectpermission": PersonGroupObjectPermission.objects.filter(
            content_object=person
        ).count(),
        "consent_consent": consents.count(),
        "consent_consent_categories": Consent.categories.through.objects.filter(consent__in=consents).count(),
        "consent_withdrawal": Withdrawal.objects.filter(consent__in=consents).count(),
        "consent_receipt": Receipt.objects.filter(consent__in=consents).count(),
        "consent_evidence": Evidence.objects.filter(consent__in=consents).count(),
        "consent_representative": Representative.objects.filter(person=person).count(),
        "consent_portalinvitation": PortalInvitation.objects.filter(person=person).count(),
        "consent_notice": Notice.objects.filter(person=person).count(),
        "consent_exclusion": Exclusion.objects.filter(person=person).count(),
        "consent_notehiding": NoteHiding.objects.filter(person=person).count(),
        "consent_glassbreak": GlassBreak.objects.filter(person=person).count(),
        "consent_disagreement": Disagreement.objects.filter(person=person).count(),
        "teams_user": User.objects.filter(pk__in=[a for a in accounts if a]).count(),
    }


def test_a_person_with_an_open_follow_up_is_never_touched(person, team, worker, periods):
    give_consent(person, team, ["housing"], by=worker)
    make_portal_account(person)
    before = counts()
    with time_machine.travel(timezone.now() + years(60), tick=False):
        retention()
        retention()
    after = counts()
    assert {t: n for t, n in after.items() if t not in LOG} == {
        t: n for t, n in before.items() if t not in LOG
    }
    person.refresh_from_db()
    assert person.archived_at is None


def test_a_record_in_use_waits_its_years(ended):
    with time_machine.travel(timezone.now() + years(2) - timedelta(days=31), tick=False):
        retention()
    ended.refresh_from_db()
    assert ended.archived_at is None and not Notice.objects.filter(kind="record_archiving").exists()


def test_the_person_is_told_before_the_archiving_and_it_waits_for_the_notice(ended, web):
    start = timezone.now()
    with time_machine.travel(start + years(2) - timedelta(days=10), tick=False):
        retention()
        notice = Notice.objects.get(person=ended, kind="record_archiving")
        assert notice.due_at == timezone.now() + timedelta(days=30)  # never less than the notice period
        page = web.as_(ended.account).get("/portal/notices/").content.decode()
        assert "aucune équipe ne le lira plus" in page
    with time_machine.travel(start + years(2) + timedelta(days=1), tick=False):
        retention()
        ended.refresh_from_db()
        assert ended.archived_at is None  # the person has had the notice 11 days only
    with time_machine.travel(start + years(2) + timedelta(days=21), tick=False):
        retention()
        ended.refresh_from_db()
        assert ended.archived_at is not None
    assert Notice.objects.filter(person=ended, kind="record_archiving").count() == 1
    assert AccessEvent.objects.filter(action="retention.archive", person_id=ended.pk).count() == 1


def test_a_person_without_a_space_is_archived_when_the_time_comes(person, team, worker, periods):
    close_every_follow_up(person, worker)
    with time_machine.travel(timezone.now() + years(2) + timedelta(days=1), tick=False):
        retention()
    person.refresh_from_db()
    assert person.archived_at is not None and not Notice.objects.filter(person=person).exists()


def archive(person: Person) -> datetime:
    """Move the clock to the archiving, past its notice, and run the job there."""
    when = timezone.now() + years(2) + timedelta(days=40)
    with time_machine.travel(when - timedelta(days=35), tick=False):
        retention()
    with time_machine.travel(when, tick=False):
        retention()
    person.refresh_from_db()
    assert person.archived_at is not None
    return when


def test_no_team_reads_an_archived_person_on_any_path(ended, team, worker, api, web):
    note = Note.objects.filter(person=ended).first()
    archive(ended)
    api.as_(worker)
    assert api.get(f"/api/v1/persons/{ended.pk}/").status_code == 404
    assert api.get(f"/api/v1/notes/{note.pk}/").status_code == 404
    assert ended.pk not in [p["id"] for p in api.get("/api/v1/persons/").json()["results"]]
    follow = api.post(f"/api/v1/persons/{ended.pk}/follow-ups/", {"team": team.pk}, format="json")
    assert follow.status_code == 404
    assert web.as_(worker).get(f"/persons/{ended.pk}/").status_code == 404


def test_an_auditor_counts_the_archived_and_erased_files_but_never_sees_who(ended, api, auditor):
    archive(ended)
    api.as_(auditor)
    assert api.get("/api/v1/audit/retention/").json()["archived"] == 1
    assert api.get(f"/api/v1/audit/events/?person={ended.pk}").json()["results"]  # the events stay
    persons, _teams = DIRECTORY.names(person_ids=[ended.pk], team_ids=[])
    assert persons == {} and DIRECTORY.matching("person", "Jo") == []  # the auditors' page names no one
    assert api.as_(UserFactory()).get("/api/v1/audit/retention/").status_code == 403


def test_the_auditors_queues_hold_nothing_about_an_archived_person(ended, api, auditor):
    """The fixture's emergency access and disagreement wait for review; once Jo is archived they are
    in no queue (named there otherwise), and a review by id is the 404 of a missing one."""
    waiting = api.as_(auditor).get("/api/v1/audit/emergency-accesses/").json()
    assert [row["person"] for row in waiting] == [ended.pk]
    assert ended.pk in [row["person"] for row in api.get("/api/v1/audit/disagreements/").json()["results"]]
    archive(ended)
    assert api.as_(auditor).get("/api/v1/audit/emergency-accesses/").json() == []
    assert api.get("/api/v1/audit/disagreements/").json()["results"] == []
    glass = GlassBreak.objects.get(person=ended)
    review = {"verdict": "justified", "comment": "Vu."}
    assert api.post(f"/api/v1/audit/emergency-accesses/{glass.pk}/review/", review).status_code == 404


def test_the_person_keeps_their_own_space_until_the_erasure(ended, web):
    archive(ended)
    assert web.as_(ended.account).get("/portal/my-data/").status_code == 200


def test_erasure_removes_every_row_of_the_person_and_nothing_else(ended, team, worker, periods):
    other = make_person(team, display_name="Sam")  # followed still: never touched
    give_consent(other, team, ["housing"], by=worker)
    make_note(other, worker, team, "housing", "Hébergé au 115")
    make_portal_account(other)
    when = archive(ended)
    erase_at = when + years(5)
    with time_machine.travel(erase_at - timedelta(days=20), tick=False):
        retention()
        assert Notice.objects.filter(person=ended, kind="record_erasing").exists()
    expected = rows_of(ended)
    before = counts()
    with time_machine.travel(erase_at + timedelta(days=11), tick=False):
        output = retention()
    after = counts()
    assert "1 person(s) were erased" in output
    removed = {t: before[t] - after[t] for t in before if t not in LOG and before[t] != after[t]}
    assert removed == {t: n for t, n in expected.items() if n}
    assert not Person.objects.filter(pk=ended.pk).exists()
    assert Person.objects.filter(pk=other.pk, archived_at__isnull=True).exists()
    assert after["audit_accessevent"] > before["audit_accessevent"]  # the log kept everything, and grew
    assert AccessEvent.objects.filter(person_id=ended.pk, action="consent.record").exists()
    assert chain.verify().ok
    call_command("verify_audit", stdout=StringIO())
    [erased] = AccessEvent.objects.filter(action="retention.erase")
    assert erased.person_id == ended.pk and erased.actor_label == "manage.py apply_retention"


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(ended):
    before = counts()
    with time_machine.travel(timezone.now() + years(2) + timedelta(days=1), tick=False):
        output = retention("--dry-run")
    assert "1 person(s) would be told their file will be archived" in output
    assert counts() == before


def test_an_archived_person_brings_no_team_in_from_their_space(ended, api):
    """No team would read the record, and the service may not unarchive it: a team that accompanies
    the person again opens a new record with them. Nothing is opened."""
    archive(ended)
    elsewhere = make_team("Halte de nuit")
    asked = api.as_(ended.account).post("/api/v1/portal/other-teams/", {"team": elsewhere.pk}, format="json")
    assert asked.status_code == 409 and "archiv" in asked.json()["detail"]
    assert not FollowUp.objects.filter(person=ended, closed_at__isnull=True).exists()


def test_each_organisation_keeps_what_its_teams_held_for_its_own_periods_and_the_longest_wins(
    person, team, other_team, worker, periods
):
    """Maraude Nord's organisation keeps its records one year, the deployment two: Jo, followed by
    the Maraude alone, is archived after one. Sam, followed by the Maraude and by a team of an
    organisation that keeps them four years, waits the four: one record, erased once, when its
    longest holder's time has come."""
    from teams.models import Organisation

    Organisation.objects.filter(pk=team.organisation_id).update(archive_after_years=1, erase_after_years=1)
    keeps_longer = make_organisation("Horizon Addictions")
    Organisation.objects.filter(pk=keeps_longer.pk).update(archive_after_years=4)
    csapa = make_team("CSAPA Horizon", organisation=keeps_longer)
    sam = make_person(team, csapa, display_name="Sam")
    close_every_follow_up(person, worker)
    FollowUp.objects.filter(person=sam).update(closed_at=timezone.now())  # both teams closed theirs
    with time_machine.travel(timezone.now() + years(1) + timedelta(days=1), tick=False):
        retention()
    person.refresh_from_db(), sam.refresh_from_db()
    assert person.archived_at is not None and sam.archived_at is None
    with time_machine.travel(timezone.now() + years(4) + timedelta(days=1), tick=False):
        retention()
    sam.refresh_from_db()
    assert sam.archived_at is not None
    assert not Person.objects.filter(pk=person.pk).exists()  # erased one year after its archiving


def test_an_organisations_periods_are_set_by_the_deployments_administrators_and_recorded(db):
    from teams import services as team_services
    from teams.models import Organisation

    admin = UserFactory(is_superuser=True, is_staff=True, organisation=None)
    organisation = make_organisation("Le Relais du Nord")
    saved = team_services.save_organisation(by=admin, organisation=organisation, archive_after_years=3)
    assert Organisation.objects.get(pk=saved.pk).archive_after_years == 3
    event = AccessEvent.objects.get(action="organisation.update")
    assert event.changes["archive_after_years"] == [None, 3]
    for wrong in (0, 101, "3"):
        with pytest.raises(Invalid):
            team_services.save_organisation(by=admin, organisation=organisation, archive_after_years=wrong)
