"""R9: what the reader may not see answers 404, exactly as if it did not exist, and lists do not count it."""

from audit.models import AccessEvent
from tests.factories import make_member, make_note, make_person, make_portal_account, make_team


def refusal():
    """The one refusal on the record: who was refused what, about whom."""
    event = AccessEvent.objects.get(outcome="denied")
    return (event.action, event.actor_id, event.object_type, event.object_ids, event.person_id)


def test_unfollowed_person_answers_like_a_missing_one(api, worker, db):
    elsewhere = make_person(make_team("Autre équipe"))
    hidden = api.as_(worker).get(f"/api/v1/persons/{elsewhere.pk}/")
    missing = api.as_(worker).get("/api/v1/persons/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_hidden_note_answers_like_a_missing_one(api, person, team, worker, colleague):
    note = make_note(person, worker, team, "housing")
    hidden = api.as_(colleague).get(f"/api/v1/notes/{note.pk}/")
    missing = api.as_(colleague).get("/api/v1/notes/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_person_list_omits_and_does_not_count_unfollowed_persons(api, person, worker, db):
    make_person(make_team("Autre équipe"))
    body = api.as_(worker).get("/api/v1/persons/").json()
    assert body["count"] == 1
    assert [p["id"] for p in body["results"]] == [person.pk]


def test_note_list_does_not_count_withheld_notes(api, person, team, worker, colleague):
    make_note(person, worker, team, "housing")
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()
    assert body["count"] == 0 and body["results"] == []


def test_writing_about_a_hidden_person_answers_404(api, team, db):
    stranger = make_member(make_team("Autre équipe"))
    person = make_person(team)
    response = api.as_(stranger).post(
        f"/api/v1/persons/{person.pk}/notes/",
        {"team": stranger.memberships.get().team_id, "category": "housing", "body": "x"},
    )
    assert response.status_code == 404


def test_consents_of_a_hidden_person_answer_404(api, shared, db):
    consent, _ = shared
    stranger = make_member(make_team("Autre équipe"))
    assert api.as_(stranger).get(f"/api/v1/persons/{consent.person_id}/consents/").status_code == 404
    assert api.as_(stranger).get(f"/api/v1/consents/{consent.pk}/receipt/").status_code == 404
    assert api.as_(stranger).get(f"/api/v1/consents/{consent.pk}/fhir/").status_code == 404
    assert (
        api.as_(stranger).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}).status_code
        == 404
    )


def test_a_hidden_receipt_answers_404_and_the_attempt_names_the_person(api, shared, db):
    consent, _ = shared
    stranger = make_member(make_team("Autre équipe"))
    assert api.as_(stranger).get(f"/api/v1/consents/{consent.pk}/receipt/").status_code == 404
    assert refusal() == ("receipt.view", stranger.pk, "consent", [consent.pk], consent.person_id)


def test_another_persons_consent_answers_like_a_missing_one_in_the_portal_too(api, shared, team):
    consent, _ = shared
    own = make_portal_account(make_person(team))
    hidden = api.as_(own).post(f"/api/v1/portal/consents/{consent.pk}/renewal/")
    assert hidden.status_code == 404
    assert refusal() == ("consent.record", own.pk, "consent", [consent.pk], consent.person_id)
    missing = api.as_(own).post("/api/v1/portal/consents/999999/renewal/")
    assert hidden.json() == missing.json()


def test_contact_details_of_a_hidden_person_answer_404_and_the_attempt_names_them(api, person, db):
    stranger = make_member(make_team("Autre équipe"))
    response = api.as_(stranger).post(f"/api/v1/persons/{person.pk}/contact/", {"phone": "06 99 99 99 99"})
    assert response.status_code == 404
    assert refusal() == ("person.update", stranger.pk, "person", [person.pk], person.pk)


def test_each_refusal_names_the_kind_of_thing_refused(api, person, team, worker, db):
    """An auditor filtering the refusals by what was asked finds each under its kind: a note, a
    person's own space, an emergency access to review."""
    from django.utils import timezone

    from consent.models import GlassBreak
    from tests.factories import UserFactory

    note = make_note(person, worker, team, "housing")
    stranger = make_member(make_team("Ailleurs"))
    assert api.as_(stranger).get(f"/api/v1/notes/{note.pk}/").status_code == 404
    assert api.as_(stranger).get("/api/v1/portal/consents/").status_code == 403
    emergency = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="x",
        ends_at=timezone.now(),
    )
    review = {"verdict": "justified", "comment": "Vu."}
    refused = api.as_(UserFactory()).post(f"/api/v1/audit/emergency-accesses/{emergency.pk}/review/", review)
    assert refused.status_code == 403
    kinds = {
        e.action: e.object_type
        for e in AccessEvent.objects.filter(outcome="denied").exclude(action="audit.view").order_by("id")
    }
    assert kinds == {"note.view": "note", "portal.consents": "person", "glass_break.review": "glass_break"}


TOO_BIG = 2**63  # an id no column of the log can hold: named as text, with no person


def test_each_refusal_on_the_record_names_who_what_whom_and_why(api, person, team, worker, colleague, db):
    """Every way the access layer refuses an object by id puts on the record the one refusal its
    auditors and the person read: the action, the actor, the kind of object, its id, the person it
    concerns (none when the id names nothing), and the rule that refused (R5, R9)."""
    from datetime import timedelta

    from django.utils import timezone

    from consent.models import GlassBreak, Representative
    from records.models import FollowUp
    from tests.factories import UserFactory, give_consent, make_organisation, representative_of

    give_consent(person, team, ["housing"], by=worker)  # contact is not shared with the team
    note = make_note(person, worker, team, "housing")
    follow_up = FollowUp.objects.get(person=person, team=team)
    stranger = make_member(make_team("Ailleurs"))
    auditor = UserFactory(is_auditor=True)
    other = make_portal_account(make_person(team, display_name="Sam"), "sam")
    journal_only = representative_of(person, worker, scope=Representative.Scope.JOURNAL).account
    elsewhere = make_organisation("Autre")
    other_auditor = UserFactory(is_auditor=True, audits_deployment=False, organisation=elsewhere)
    opener_auditor = make_member(team, username="audrey", is_auditor=True, audits_deployment=True)
    emergency = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=opener_auditor,
        reason="cannot_be_asked",
        statement="x",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    pid, nid, fid = person.pk, note.pk, follow_up.pk
    cases = [
        (auditor, "get", f"/api/v1/persons/{pid}/", 403, ("person.view", "person", [pid], pid, "NotAMember")),
        (stranger, "get", f"/api/v1/persons/{pid}/", 404, ("person.view", "person", [pid], pid, "Hidden")),
        (
            stranger,
            "get",
            f"/api/v1/persons/{TOO_BIG}/",
            404,
            ("person.view", "person", [str(TOO_BIG)], None, "Hidden"),
        ),
        (
            worker,
            "post",
            f"/api/v1/persons/{pid}/contact/",
            403,
            ("person.update", "person", [pid], pid, "ContactNotShared"),
        ),
        (stranger, "get", f"/api/v1/notes/{nid}/", 404, ("note.view", "note", [nid], pid, "Hidden")),
        (
            stranger,
            "get",
            f"/api/v1/notes/{TOO_BIG}/",
            404,
            ("note.view", "note", [str(TOO_BIG)], None, "Hidden"),
        ),
        (
            colleague,
            "post",
            f"/api/v1/notes/{nid}/correction/",
            403,
            ("note.correct", "note", [nid], pid, "NotTheAuthor"),
        ),
        (
            stranger,
            "post",
            f"/api/v1/follow-ups/{fid}/close/",
            404,
            ("follow_up.close", "follow_up", [fid], pid, "Hidden"),
        ),
        (
            other,
            "get",
            f"/api/v1/persons/{pid}/consents/",
            404,
            ("consent.view", "consent", [], pid, "Hidden"),
        ),
        (
            stranger,
            "get",
            f"/api/v1/persons/{pid}/consents/",
            404,
            ("consent.view", "consent", [], pid, "Hidden"),
        ),
        (
            journal_only,
            "get",
            f"/api/v1/persons/{pid}/consents/",
            403,
            ("consent.view", "consent", [], pid, "OutOfScope"),
        ),
        (
            other,
            "post",
            f"/api/v1/portal/notes/{nid}/hide/",
            404,
            ("note.hide", "note", [nid], pid, "Hidden"),
        ),
        (
            other_auditor,
            "post",
            f"/api/v1/audit/emergency-accesses/{emergency.pk}/review/",
            404,
            ("glass_break.review", "glass_break", [emergency.pk], None, "Hidden"),
        ),
        (
            opener_auditor,
            "post",
            f"/api/v1/audit/emergency-accesses/{emergency.pk}/review/",
            403,
            ("glass_break.review", "glass_break", [emergency.pk], pid, "NotIndependent"),
        ),
    ]
    for user, method, url, status, (action, kind, ids, about, why) in cases:
        mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        body = {"phone": "06 00 00 00 00"} if "contact" in url else {"body": "Corrigé"}
        body = {"verdict": "justified", "comment": "Vu."} if "review" in url else body
        response = getattr(api.as_(user), method)(url, body if method == "post" else None, format="json")
        assert response.status_code == status, (url, response.content)
        refused = AccessEvent.objects.filter(id__gt=mark, outcome="denied")
        assert [
            (e.action, e.actor_id, e.object_type, e.object_ids, e.person_id, e.reason) for e in refused
        ] == [(action, user.pk, kind, ids, about, why)], url


def test_the_person_reaches_their_own_consent_by_its_id_and_no_one_elses(api, shared, team):
    """A consent by id, from the person's own space: theirs opens (its receipt), another person's is
    the 404 of one that does not exist, recorded as an attempt naming that other person."""
    consent, _ = shared
    own = make_portal_account(consent.person, "jo")
    assert api.as_(own).get(f"/api/v1/consents/{consent.pk}/receipt/").status_code == 200
    sam = make_portal_account(make_person(team, display_name="Sam"), "sam")
    assert api.as_(sam).get(f"/api/v1/consents/{consent.pk}/receipt/").status_code == 404
    assert refusal() == ("receipt.view", sam.pk, "consent", [consent.pk], consent.person_id)
