"""Issue 21, item 11: "I do not agree". The person (or a representative for them, within the journal's
scope) says why they disagree with an emergency access or any line of their journal; it reaches the
auditors as an event and in their queue; the auditor answers; the person reads the answer in their
space and is told in their inbox. Another person's line answers as a missing one (R9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from consent.models import Disagreement, GlassBreak, Notice
from tests.factories import (
    UserFactory,
    give_consent,
    make_person,
    make_portal_account,
    make_representative,
)


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


@pytest.fixture
def auditor(db):
    return UserFactory(is_auditor=True, username="audit")


def a_line(person, worker, team):
    """A line of the person's journal: the consent the worker recorded."""
    give_consent(person, team, ["housing"], by=worker)
    return AccessEvent.objects.filter(person_id=person.pk, action="consent.record").latest("id")


def emergency(person, team, worker):
    return GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="Injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )


def events(action, **filters):
    return list(AccessEvent.objects.filter(action=action, **filters))


def test_the_person_disagrees_with_a_journal_line_and_reads_the_auditors_answer(
    web, team, worker, person, jo, auditor
):
    line = a_line(person, worker, team)
    journal = web.as_(jo).get("/portal/journal/").content.decode()
    assert f"/portal/disagreements/new/?event={line.pk}" in journal and "Je ne suis pas d’accord" in journal
    form = web.get(f"/portal/disagreements/new/?event={line.pk}").content.decode()
    assert "a enregistré votre accord pour Maraude Nord" in form
    sent = web.post("/portal/disagreements/new/", {"event": line.pk, "statement": "Je n’ai rien signé."})
    assert sent.status_code == 302
    disagreement = Disagreement.objects.get()
    assert disagreement.event_id == line.pk and disagreement.statement == "Je n’ai rien signé."
    [recorded] = events("disagreement.record", person_id=person.pk)
    assert recorded.data["object_ids"] == [disagreement.pk] and recorded.actor_id == jo.pk

    queue = web.as_(auditor).get("/audit/disagreements/").content.decode()
    assert "Je n’ai rien signé." in queue and f"Événement n° {line.pk}" in queue
    assert events("disagreement.list", person_id=person.pk)
    answered = web.post(
        f"/audit/disagreements/{disagreement.pk}/answer/", {"answer": "Le reçu porte votre accord oral."}
    )
    assert answered.status_code == 302
    assert events("disagreement.answer", person_id=person.pk)

    notices = web.as_(jo).get("/portal/notices/").content.decode()
    assert "Le contrôle a répondu à ce avec quoi vous avez dit ne pas être d’accord." in notices
    mine = web.get("/portal/disagreements/").content.decode()
    assert "Le reçu porte votre accord oral." in mine and "Je n’ai rien signé." in mine
    assert Notice.objects.filter(person=person, kind="disagreement_answered").count() == 1
    assert (
        "Aucun désaccord n’attend de réponse."
        in web.as_(auditor).get("/audit/disagreements/").content.decode()
    )


def test_the_person_disagrees_with_an_emergency_access_from_its_banner(web, api, team, worker, person, jo):
    glass = emergency(person, team, worker)
    home = web.as_(jo).get("/portal/").content.decode()
    assert f"/portal/disagreements/new/?emergency={glass.pk}" in home
    assert "dites-le à votre intervenant" not in home
    response = api.as_(jo).post(
        "/api/v1/portal/disagreements/",
        {"emergency": glass.pk, "statement": "Je répondais au téléphone."},
        format="json",
    )
    assert response.status_code == 201 and response.json()["emergency"] == glass.pk
    mine = api.as_(jo).get("/api/v1/portal/disagreements/").json()["results"]
    assert [d["statement"] for d in mine] == ["Je répondais au téléphone."]
    assert mine[0]["about"].startswith("The emergency access Maraude Nord opened on")


def test_the_auditor_answers_through_the_api_once(api, team, worker, person, jo, auditor):
    line = a_line(person, worker, team)
    made = api.as_(jo).post(
        "/api/v1/portal/disagreements/", {"event": line.pk, "statement": "Non."}, format="json"
    )
    pk = made.json()["id"]
    queue = api.as_(auditor).get("/api/v1/audit/disagreements/").json()["results"]
    assert [d["id"] for d in queue] == [pk] and queue[0]["person"] == person.pk
    first = api.post(f"/api/v1/audit/disagreements/{pk}/answer/", {"answer": "Vu."}, format="json")
    assert first.status_code == 200 and first.json()["answer"] == "Vu."
    again = api.post(f"/api/v1/audit/disagreements/{pk}/answer/", {"answer": "Encore."}, format="json")
    assert again.status_code == 400 and "answer" in again.json()
    assert Disagreement.objects.get().answer == "Vu."
    assert api.as_(jo).get("/api/v1/portal/disagreements/").json()["results"][0]["answer"] == "Vu."


def test_another_persons_line_or_emergency_is_as_if_it_did_not_exist(api, team, worker, person, jo):
    other = make_person(team, display_name="Karim")
    theirs = a_line(other, worker, team)
    glass = emergency(other, team, worker)
    for body in ({"event": theirs.pk}, {"event": 10**12}, {"emergency": glass.pk}):
        response = api.as_(jo).post(
            "/api/v1/portal/disagreements/", {**body, "statement": "Non."}, format="json"
        )
        assert response.status_code == 404
    assert not Disagreement.objects.exists()
    assert len(events("disagreement.record", outcome="denied")) == 3


def test_a_representative_disagrees_for_the_person_within_the_journals_scope(api, team, worker, person):
    line = a_line(person, worker, team)
    agent, reader = make_representative(person, by=worker, scope="journal", username="lucie")
    made = api.as_(reader).post(
        "/api/v1/portal/disagreements/", {"event": line.pk, "statement": "Non."}, format="json"
    )
    assert made.status_code == 201
    assert Disagreement.objects.get().representative_id == agent.pk
    _other, chooser = make_representative(
        person, by=worker, kind="guardian", scope="consents", name="Paul", username="paul"
    )
    refused = api.as_(chooser).post(
        "/api/v1/portal/disagreements/", {"event": line.pk, "statement": "Non."}, format="json"
    )
    assert refused.status_code == 403


def test_only_auditors_read_the_queue_and_answer(api, team, worker, person, jo):
    line = a_line(person, worker, team)
    pk = (
        api.as_(jo)
        .post("/api/v1/portal/disagreements/", {"event": line.pk, "statement": "Non."}, format="json")
        .json()["id"]
    )
    for user in (worker, jo):
        assert api.as_(user).get("/api/v1/audit/disagreements/").status_code == 403
        assert (
            api.as_(user)
            .post(f"/api/v1/audit/disagreements/{pk}/answer/", {"answer": "x"}, format="json")
            .status_code
            == 403
        )
    assert not Disagreement.objects.get().answered_at


def test_an_empty_disagreement_is_refused_with_its_reason_and_keeps_nothing(web, team, worker, person, jo):
    line = a_line(person, worker, team)
    response = web.as_(jo).post("/portal/disagreements/new/", {"event": line.pk, "statement": "  "})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert not Disagreement.objects.exists() and not events("disagreement.record")


def test_an_organisations_auditor_answers_the_disagreements_of_its_organisation_only(
    api, person, team, worker, jo
):
    """Disagreements about the organisation's emergency access or about a line its auditor reads
    in the log are in that auditor's queue; another organisation's auditor finds none of them."""
    from tests.factories import make_organisation

    about_glass = Disagreement.objects.create(
        person=person, glass_break=emergency(person, team, worker), written_by=jo, statement="Non."
    )
    about_line = Disagreement.objects.create(
        person=person, event_id=a_line(person, worker, team).pk, written_by=jo, statement="Non plus."
    )
    own = UserFactory(is_auditor=True, audits_deployment=False, organisation=team.organisation)
    other = UserFactory(is_auditor=True, audits_deployment=False, organisation=make_organisation("Autre"))
    queue = {d["id"] for d in api.as_(own).get("/api/v1/audit/disagreements/").json()["results"]}
    assert queue == {about_glass.pk, about_line.pk}
    assert api.as_(other).get("/api/v1/audit/disagreements/").json()["results"] == []
