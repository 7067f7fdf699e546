"""R10, nobody becomes someone else: a worker's code for a space that is already open never lets the
worker read more than their own teams read (issue 19, attack 2).

Jo's space is open. Camille (Maraude Nord) makes a code for it and uses it herself. Jo shares health
and addiction with the CSAPA only, which read them: through Jo's reopened space Camille must not get
the CSAPA's notes (no copy of the data in any format) nor the journal of the CSAPA's reads, until the
cooling period has passed or Jo confirms with what Camille cannot have. The log names her.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit import insights
from audit.models import AccessEvent
from consent.consents import services
from consent.emergency.services import REVIEW_AFTER
from consent.models import Notice, SpaceReset
from consent.recovery import services as recovery
from consent.space import activation
from records.models import Person
from tests.factories import (
    PASSWORD,
    UserFactory,
    follow,
    give_consent,
    information_text,
    make_member,
    make_note,
    make_portal_account,
    make_team,
)

TAKEN = "le mot de passe de camille"
SECRET = "Traitement de substitution en cours"


@pytest.fixture
def world(api, team, other_team, person, worker):
    """Jo, followed by Maraude Nord (housing) and the CSAPA (health, addiction), whose nurse read the
    addiction note; Jo's space is open with a password Jo knows."""
    follow(person, other_team)
    nurse = make_member(other_team, username="infirmier")
    give_consent(person, team, ["housing"], by=worker)
    give_consent(person, other_team, ["health", "addiction"], by=nurse)
    make_note(person, worker, team, "housing", "Demande SIAO déposée")
    make_note(person, nurse, other_team, "addiction", SECRET)
    assert api.as_(nurse).get(f"/api/v1/persons/{person.pk}/notes/").status_code == 200
    jo = make_portal_account(person, "jo")
    return {"jo": jo, "nurse": nurse}


def _camille_takes_over(api, worker, person):
    """The attack: Camille makes a code for Jo's open space and uses it herself."""
    made = api.as_(worker).post(f"/api/v1/persons/{person.pk}/portal-invitation/")
    assert made.status_code == 201
    api.force_authenticate(None)
    opened = api.post(
        "/api/v1/portal/activate/", {"code": made.json()["code"], "username": "jo2", "password": TAKEN}
    )
    assert opened.status_code == 201
    api.credentials(HTTP_AUTHORIZATION=f"Token {opened.json()['token']}")
    person.account.refresh_from_db()  # the same account, with the password Camille chose
    return made.json()


def test_a_code_for_an_open_space_with_no_address_is_shown_and_says_the_space_reopens_restricted(
    api, world, worker, person
):
    made = api.as_(worker).post(f"/api/v1/persons/{person.pk}/portal-invitation/").json()
    assert made["code"] and made["sent_by_email"] is False and made["reopens_restricted"] is True


def test_the_workers_own_code_gives_no_copy_of_the_data_in_any_format(api, web, world, worker, person):
    _camille_takes_over(api, worker, person)
    export = api.get("/api/v1/portal/export/")
    assert export.status_code == 403 and SECRET not in export.content.decode()
    page = web.as_(world["jo"])
    for url in ("/portal/my-data/", "/portal/print/"):
        response = page.get(url)
        assert response.status_code == 403 and SECRET not in response.content.decode(), url


def test_the_workers_own_code_shows_no_journal_of_other_teams_reads(api, web, world, worker, person):
    _camille_takes_over(api, worker, person)
    nurse = world["nurse"]
    journal = api.get("/api/v1/portal/access-log/")
    assert journal.status_code == 200
    lines = journal.json()["results"]
    assert lines and all(nurse.display_name not in line["who"] for line in lines)
    assert any(worker.display_name in line["who"] for line in lines)  # her own teams' acts, as before
    page = web.as_(world["jo"]).get("/portal/journal/").content.decode()
    assert nurse.display_name not in page and "CSAPA" not in page


def test_the_workers_own_code_shows_no_notice_of_other_teams_first_reads(api, world, worker, person):
    _camille_takes_over(api, worker, person)
    notices = api.get("/api/v1/portal/notices/").json()["results"]
    assert notices and not any(world["nurse"].display_name in n["text"] for n in notices)


def test_the_log_names_the_codes_maker_on_the_reset_and_on_what_the_space_does_after(
    api, world, worker, person
):
    _camille_takes_over(api, worker, person)
    api.get("/api/v1/portal/export/")
    reset = SpaceReset.objects.get()
    event = AccessEvent.objects.get(action="portal.reset")
    assert (event.actor_id, event.person_id) == (world["jo"].pk, person.pk)
    assert event.data["code_made_by"] == worker.pk and event.data["space_reset"] == reset.pk
    assert event.changes["restricted"] == [False, True]
    refused = AccessEvent.objects.get(action="portal.export")
    assert (refused.outcome, refused.reason, refused.person_id) == (
        "denied",
        "RestrictedAfterReset",
        person.pk,
    )
    assert refused.data["code_made_by"] == worker.pk and refused.data["space_reset"] == reset.pk
    api.get("/api/v1/portal/access-log/")
    journal = AccessEvent.objects.get(action="portal.access_log")
    assert journal.data["code_made_by"] == worker.pk and journal.data["space_reset"] == reset.pk


def test_the_person_is_told_in_their_inbox_and_the_reset_waits_in_the_auditors_queue(
    api, world, worker, person, auditor
):
    _camille_takes_over(api, worker, person)
    notice = Notice.objects.get(kind="space_reset")
    assert (notice.person_id, notice.actor_id) == (person.pk, worker.pk)
    queue = api.as_(auditor).get("/api/v1/audit/space-resets/").json()
    assert [(r["person"], r["code_made_by"], r["restricted"]) for r in queue] == [
        (person.pk, worker.pk, True)
    ]
    reviewed = api.post(
        f"/api/v1/audit/space-resets/{queue[0]['id']}/review/",
        {"verdict": "not_justified", "comment": "Jo n'a rien demandé."},
        format="json",
    )
    assert reviewed.status_code == 200 and api.get("/api/v1/audit/space-resets/").json() == []
    event = AccessEvent.objects.get(action="space_reset.review")
    assert event.data["code_made_by"] == worker.pk and event.person_id == person.pk


def test_the_auditors_signals_point_out_a_reset_followed_by_an_export_or_a_journal_read(
    api, world, worker, person
):
    _camille_takes_over(api, worker, person)
    api.get("/api/v1/portal/export/")
    api.get("/api/v1/portal/access-log/")
    found = [
        s
        for s in insights.signals(glass_review_after=REVIEW_AFTER, scope=AccessEvent.objects.all())
        if s.kind == "reset_then_read"
    ]
    assert [(s.actor_id, s.count) for s in found] == [(worker.pk, 2)]


def test_no_signal_for_a_space_that_reads_its_journal_without_a_reset(api, world, worker, person):
    api.as_(world["jo"]).get("/api/v1/portal/access-log/")
    assert not [
        s
        for s in insights.signals(glass_review_after=REVIEW_AFTER, scope=AccessEvent.objects.all())
        if s.kind == "reset_then_read"
    ]


def test_the_restriction_lifts_when_the_cooling_period_has_passed(api, world, worker, person, monkeypatch):
    _camille_takes_over(api, worker, person)
    api.credentials()
    jo = world["jo"]
    assert api.as_(jo).get("/api/v1/portal/export/").status_code == 403
    later = timezone.now() + timedelta(hours=73)
    monkeypatch.setattr(timezone, "now", lambda: later)
    export = api.as_(jo).get("/api/v1/portal/export/")
    assert export.status_code == 200 and SECRET in export.content.decode()
    event = AccessEvent.objects.filter(action="portal.export", outcome="allowed").get()
    assert "code_made_by" not in event.data  # past its first hours: an ordinary act of the space


def test_the_restriction_lifts_when_the_person_confirms_with_the_previous_password(
    api, web, world, worker, person
):
    _camille_takes_over(api, worker, person)
    api.credentials()
    jo = world["jo"]
    client = web.as_(jo)
    assert "Confirmer que c" in client.get("/portal/").content.decode().replace("&#x27;", "'")
    refused = client.post("/portal/confirm/", {"previous_password": TAKEN})
    assert refused.status_code == 400
    assert AccessEvent.objects.get(action="space_reset.confirm").outcome == "denied"
    assert client.post("/portal/confirm/", {"previous_password": PASSWORD}).status_code == 302
    reset = SpaceReset.objects.get()
    assert reset.confirmed_at is not None and reset.previous_password == ""
    export = api.as_(jo).get("/api/v1/portal/export/")
    assert export.status_code == 200 and SECRET in export.content.decode()
    confirmed = AccessEvent.objects.filter(action="space_reset.confirm", outcome="allowed").get()
    assert confirmed.data["code_made_by"] == worker.pk
    # While the reset is still watched, the confirmed space reads every team's acts again.
    notices = api.as_(jo).get("/api/v1/portal/notices/").json()["results"]
    assert any(world["nurse"].display_name in n["text"] for n in notices)


def test_the_confirmation_through_the_api_needs_the_previous_password(api, world, worker, person):
    _camille_takes_over(api, worker, person)
    wrong = api.post("/api/v1/portal/reset/confirm/", {"previous_password": TAKEN}, format="json")
    assert wrong.status_code == 400 and list(wrong.json()) == ["previous_password"]
    assert api.get("/api/v1/portal/export/").status_code == 403


def test_a_space_with_an_address_for_notices_gets_its_code_by_email_and_the_worker_never_sees_it(
    api, web, world, worker, person, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=person.pk).update(notice_email="jo@example.org", notify_by_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        made = api.as_(worker).post(f"/api/v1/persons/{person.pk}/portal-invitation/")
    assert made.status_code == 201
    body = made.json()
    assert body["code"] is None and body["sent_by_email"] is True and body["reopens_restricted"] is False
    [message] = mail.outbox
    assert message.to == ["jo@example.org"]
    code = next(word for word in message.body.split() if word.count("-") == 2 and len(word) == 14)
    page = web.as_(worker).get(f"/persons/{person.pk}/portal-code/").content.decode()
    assert code not in page
    user = activation.activate(code=code, username="jo", password=TAKEN)
    reset = SpaceReset.objects.get()
    assert (reset.by_email, reset.restricted, reset.code_made_by_id) == (True, False, worker.pk)
    assert api.as_(user).get("/api/v1/portal/export/").status_code == 200


def test_the_worker_page_says_the_code_went_to_the_persons_address(web, world, worker, person):
    Person.objects.filter(pk=person.pk).update(notice_email="jo@example.org", notify_by_email=True)
    client = web.as_(worker)
    assert client.post(f"/persons/{person.pk}/portal-code/").status_code == 302
    page = client.get(f"/persons/{person.pk}/portal-code/").content.decode()
    assert "envoyé à l" in page and "jo@example.org" not in page


def test_a_first_code_opens_a_space_unrestricted(api, team, worker):
    from tests.factories import make_person

    alix = make_person(team, display_name="Alix")
    code, _invitation = services.invite_to_portal(user=worker, person_id=alix.pk)
    user = activation.activate(code=code, username="alix", password=TAKEN)
    assert not SpaceReset.objects.exists()
    assert api.as_(user).get("/api/v1/portal/export/").status_code == 200


def test_a_representatives_space_reopened_by_a_workers_code_is_restricted_too(api, world, worker, person):
    from tests.factories import make_representative

    agent, account = make_representative(person, by=worker, scope="journal", username="marie")
    made = api.as_(worker).post(f"/api/v1/representatives/{agent.pk}/code/")
    assert made.status_code == 201
    activation.activate(code=made.json()["code"], username="marie", password=TAKEN)
    reset = SpaceReset.objects.get()
    assert (reset.account_id, reset.representative_id, reset.restricted) == (account.pk, agent.pk, True)
    lines = api.as_(account).get("/api/v1/portal/access-log/").json()["results"]
    assert not any(world["nurse"].display_name in line["who"] for line in lines)
    assert AccessEvent.objects.get(action="portal.reset").data["code_made_by"] == worker.pk


def test_confirming_needs_a_restricted_space(api, world):
    response = api.as_(world["jo"]).post(
        "/api/v1/portal/reset/confirm/", {"previous_password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_recovery_has_no_path_for_someone_who_is_not_an_auditor_to_review(api, world, worker, person):
    _camille_takes_over(api, worker, person)
    api.credentials()
    for user in (worker, world["jo"], UserFactory(is_manager=True)):
        assert api.as_(user).get("/api/v1/audit/space-resets/").status_code == 403
    assert recovery.restriction(user=world["jo"]) is not None


def test_the_restricted_space_cannot_give_its_address_for_the_next_code(api, world, worker, person):
    """Else the maker would give her own address, then make a code e-mailed to herself."""
    _camille_takes_over(api, worker, person)
    response = api.post("/api/v1/portal/notices/email/", {"email": "camille@example.org", "enabled": True})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.notice_email == "" and not person.notify_by_email
    again = api.as_(worker).post(f"/api/v1/persons/{person.pk}/portal-invitation/").json()
    assert again["sent_by_email"] is False and again["reopens_restricted"] is True


def test_the_restricted_space_cannot_widen_what_the_makers_team_reads(api, world, worker, team, person):
    _camille_takes_over(api, worker, person)
    response = api.post(
        "/api/v1/portal/consents/",
        {"team": team.pk, "categories": ["housing", "support_plan"], "information": information_text().pk},
        format="json",
    )
    assert response.status_code == 403
    refused = AccessEvent.objects.filter(action="consent.record", outcome="denied").get()
    assert (refused.reason, refused.data["code_made_by"]) == ("RestrictedAfterReset", worker.pk)
    assert (refused.actor_id, refused.object_type, refused.person_id) == (
        person.account_id,
        "person",
        person.pk,
    )
    assert not person.consents.filter(categories__code="support_plan").exists()


def test_a_read_after_the_restriction_has_lifted_by_itself_is_still_pointed_out(
    api, world, worker, person, monkeypatch
):
    _camille_takes_over(api, worker, person)
    api.credentials()
    later = timezone.now() + timedelta(hours=73)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert api.as_(world["jo"]).get("/api/v1/portal/export/").status_code == 200
    found = [
        s
        for s in insights.signals(glass_review_after=REVIEW_AFTER, scope=AccessEvent.objects.all())
        if s.kind == "reset_then_read"
    ]
    assert [(s.actor_id, s.count) for s in found] == [(worker.pk, 1)]


def test_a_reset_the_person_confirmed_raises_no_signal(api, world, worker, person):
    _camille_takes_over(api, worker, person)
    assert api.post("/api/v1/portal/reset/confirm/", {"previous_password": PASSWORD}).status_code == 200
    assert api.get("/api/v1/portal/export/").status_code == 200
    assert not [
        s
        for s in insights.signals(glass_review_after=REVIEW_AFTER, scope=AccessEvent.objects.all())
        if s.kind == "reset_then_read"
    ]


def test_the_worker_page_says_an_open_space_reopens_restricted_with_a_handed_over_code(
    web, world, worker, person
):
    client = web.as_(worker)
    assert client.post(f"/persons/{person.pk}/portal-code/").status_code == 302
    page = client.get(f"/persons/{person.pk}/portal-code/").content.decode().replace("&#x27;", "'")
    assert "il rouvre restreint pendant quelques jours" in page and "Le journal vous nomme" in page


def test_the_restriction_ends_at_the_very_end_of_the_watch(api, world, worker, person):
    from access.own_space import is_restricted

    _camille_takes_over(api, worker, person)
    reset = SpaceReset.objects.get()
    assert is_restricted(reset, at=reset.watched_until - timedelta(microseconds=1))
    assert not is_restricted(reset, at=reset.watched_until)


def test_the_restricted_space_cannot_bring_in_another_team(api, world, worker, person):
    """Else the maker would open Jo's record to a team of her choosing (the team sees the name)."""
    _camille_takes_over(api, worker, person)
    elsewhere = make_team("Halte de nuit")
    response = api.post("/api/v1/portal/other-teams/", {"team": elsewhere.pk}, format="json")
    assert response.status_code == 403
    assert not person.follow_ups.filter(team=elsewhere).exists()
    refused = AccessEvent.objects.filter(action="follow_up.open", outcome="denied").get()
    assert (refused.reason, refused.person_id) == ("RestrictedAfterReset", person.pk)


def test_other_teams_reads_after_the_reset_stay_out_of_the_restricted_journal(api, world, worker, person):
    """Restricted: the journal shows the maker's teams' acts and the space's own since the reset,
    and another team's read made after the reset no more than one made before."""
    _camille_takes_over(api, worker, person)
    token = api._credentials["HTTP_AUTHORIZATION"]
    nurse = world["nurse"]
    assert api.as_(nurse).get(f"/api/v1/persons/{person.pk}/notes/").status_code == 200
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=token)
    lines = api.get("/api/v1/portal/access-log/").json()["results"]
    assert lines and all(nurse.display_name not in line["who"] for line in lines)


def test_a_path_closed_while_restricted_is_one_refusal_naming_the_person(api, world, worker, person):
    _camille_takes_over(api, worker, person)
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assert api.get("/api/v1/portal/export/").status_code == 403
    [refused] = AccessEvent.objects.filter(id__gt=mark, outcome="denied")
    assert (refused.action, refused.object_type, refused.person_id, refused.reason) == (
        "portal.export",
        "person",
        person.pk,
        "RestrictedAfterReset",
    )
