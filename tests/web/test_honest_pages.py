"""Pages never say something untrue: who reads a note, what a new team sees, what a search finds."""

import pytest

from audit.models import AccessEvent
from records.models import Note, Person
from tests.factories import give_consent, informed, make_member, make_person, make_team

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database


def test_the_note_form_names_the_teams_that_will_read_each_kind_of_note(web, worker, team):
    csapa = make_team("CSAPA Horizon", categories=("health", "housing"))
    nadia = make_member(csapa, display_name="Nadia")
    jo = make_person(team, csapa, display_name="Jo")
    give_consent(jo, csapa, ["health"], by=nadia)
    page = web.as_(worker).get(f"/persons/{jo.pk}/").content.decode()
    readers = page.split('class="readers"')[1].split("</ul>")[0]
    assert "Santé</strong> — vous, et les membres de CSAPA Horizon (son consentement)" in readers
    assert "Logement et hébergement</strong> — vous seul" in readers


def test_a_note_that_another_team_reads_is_saved_without_the_false_alone_warning(web, worker, team):
    csapa = make_team("CSAPA Horizon", categories=("health",))
    nadia = make_member(csapa, display_name="Nadia")
    jo = make_person(team, csapa, display_name="Jo")
    give_consent(jo, csapa, ["health"], by=nadia)
    response = web.as_(worker).post(
        f"/persons/{jo.pk}/notes/new/",
        {"team": team.pk, "category": "health", "body": "RDV CMP"},
        follow=True,
    )
    page = response.content.decode()
    assert "vous seul" not in page.split('class="readers"')[0]
    assert "Lue par : vous, et les membres de CSAPA Horizon (son consentement)." in page
    note = Note.objects.get(person=jo)
    assert web.as_(nadia).get(f"/persons/{jo.pk}/").content.decode().count(note.body) == 1


def test_a_note_nobody_else_reads_asks_first_and_then_looks_different(web, worker, team, person):
    first = web.as_(worker).post(
        f"/persons/{person.pk}/notes/new/", {"team": team.pk, "category": "housing", "body": "SIAO"}
    )
    assert first.status_code == 409 and not Note.objects.exists()
    assert "Aucune équipe ne lit ce type d’information" in first.content.decode().replace(
        "&#x27;", "’"
    ).replace("'", "’")
    web.post(
        f"/persons/{person.pk}/notes/new/",
        {"team": team.pk, "category": "housing", "body": "SIAO", "confirm_unshared": "on"},
    )
    page = web.get(f"/persons/{person.pk}/").content.decode()
    assert 'class="note only-me"' in page and "Vous seul" in page


def test_a_shared_note_does_not_look_private(web, worker, shared, person):
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert 'class="note"' in page and "only-me" not in page


def test_before_its_first_consent_a_team_sees_only_the_name_used(web, api, worker, team, person):
    person.first_name, person.last_name = "Joëlle", "Marchand"
    person.save()
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert "Marchand" not in page and "Jo" in page
    body = api.as_(worker).get(f"/api/v1/persons/{person.pk}/").json()
    assert "last_name" not in body and "birth_date" not in body and body["display_name"] == "Jo"
    listed = api.get("/api/v1/persons/").json()["results"][0]
    assert "last_name" not in listed
    give_consent(person, team, ["housing"], by=worker)
    assert "Marchand" in web.get(f"/persons/{person.pk}/").content.decode()
    assert api.get(f"/api/v1/persons/{person.pk}/").json()["last_name"] == "Marchand"


def test_the_creator_keeps_the_identity_they_typed(api, worker, team):
    created = api.as_(worker).post(
        "/api/v1/persons/",
        {"team": team.pk, "display_name": "Jo", "first_name": "Joëlle", "last_name": "Marchand"},
        format="json",
    )
    assert created.json()["last_name"] == "Marchand"
    colleague = make_member(team, username="lea")
    assert "last_name" not in api.as_(colleague).get(f"/api/v1/persons/{created.json()['id']}/").json()


@pytest.mark.every_database  # a search: the databases compare text each their own way
def test_search_ignores_case_and_accents(api, worker, team):
    make_person(team, display_name="Joëlle")
    make_person(team, display_name="Marc")
    found = api.as_(worker).get("/api/v1/persons/", {"search": "JOELLE"}).json()["results"]
    assert [p["display_name"] for p in found] == ["Joëlle"]
    assert api.get("/api/v1/persons/", {"search": "joël"}).json()["count"] == 1


@pytest.mark.every_database  # a search: the databases compare text each their own way
def test_a_search_by_a_hidden_name_finds_nothing(api, worker, team):
    jo = make_person(team, display_name="Jo", first_name="Joëlle", last_name="Marchand")
    assert api.as_(worker).get("/api/v1/persons/", {"search": "marchand"}).json()["count"] == 0
    give_consent(jo, team, ["housing"], by=worker)
    assert api.get("/api/v1/persons/", {"search": "marchand"}).json()["count"] == 1


def test_changing_a_consent_starts_from_the_current_one(web, worker, team, person):
    consent = give_consent(person, team, ["housing"], by=worker, purpose="Trouver un logement")
    page = web.as_(worker).get(f"/persons/{person.pk}/consents/new/").content.decode()
    assert 'value="housing" checked' in page and "Trouver un logement" in page
    assert "part du consentement actuel" in page.replace("&#x27;", "’").replace("'", "’")
    assert consent.purpose in page


def test_ticking_nothing_asks_to_confirm_the_refusal(web, worker, team, person):
    url = f"/persons/{person.pk}/consents/new/"
    data = {"team": team.pk, "purpose": "Continuité", "method": "oral", **informed()}
    refused = web.as_(worker).post(url, data)
    assert refused.status_code == 400 and not person.consents.exists()
    confirmed = web.post(url, {**data, "confirm_refusal": "on"})
    assert confirmed.status_code == 302 and list(person.consents.get().categories.all()) == []


def test_a_form_that_refuses_and_ticks_categories_is_refused_as_contradictory(web, worker, team, person):
    give_consent(person, team, ["housing"], by=worker)
    url = f"/persons/{person.pk}/consents/new/"
    data = {
        "team": team.pk,
        "purpose": "Continuité",
        "method": "oral",
        "categories": ["housing"],
        **informed(),
    }
    refused = web.as_(worker).post(url, {**data, "confirm_refusal": "on"})
    assert refused.status_code == 400 and person.consents.count() == 1
    assert "refuse" in refused.content.decode() and "Décochez" in refused.content.decode()


def test_the_change_form_records_nothing_if_its_consent_was_withdrawn_meanwhile(web, worker, team, person):
    consent = give_consent(person, team, ["housing"], by=worker)
    page = web.as_(worker).get(f"/persons/{person.pk}/consents/new/").content.decode()
    assert f'name="replaces" value="{consent.pk}"' in page
    web.post(f"/consents/{consent.pk}/withdraw/", {"method": "oral"})
    data = {
        "team": team.pk,
        "purpose": "Continuité",
        "method": "oral",
        "categories": ["housing"],
        **informed(),
    }
    answer = web.post(f"/persons/{person.pk}/consents/new/", {**data, "replaces": consent.pk})
    assert answer.status_code == 409 and person.consents.count() == 1


def test_creating_a_person_twice_warns_with_the_one_already_followed(web, worker, team):
    data = {"team": team.pk, "display_name": "Joëlle", "last_name": "Marchand", "birth_date": "1979-03-14"}
    assert web.as_(worker).post("/persons/new/", data).status_code == 302
    again = web.post("/persons/new/", {**data, "display_name": "joelle"})
    page = again.content.decode()
    assert again.status_code == 409 and Person.objects.count() == 1
    assert "ressemble à cette personne" in page and "Marchand" in page
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.person_id) == ("person.list", Person.objects.get().pk)
    confirmed = web.post("/persons/new/", {**data, "display_name": "joelle", "confirm_new": "on"})
    assert confirmed.status_code == 302 and Person.objects.count() == 2


def test_the_duplicate_warning_never_hints_at_a_person_the_worker_does_not_follow(web, worker, team):
    elsewhere = make_team("Ailleurs")
    make_person(elsewhere, display_name="Joëlle")
    response = web.as_(worker).post("/persons/new/", {"team": team.pk, "display_name": "Joëlle"})
    assert response.status_code == 302 and Person.objects.count() == 2


def test_a_phone_is_a_link_to_call(web, worker, shared, person):
    person.phone = "06 12 34 56 78"
    person.save()
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert '<a href="tel:0612345678">06 12 34 56 78</a>' in page


def test_no_other_team_card_when_every_team_already_follows(web, worker, team, person):
    assert "Une autre équipe" not in web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    make_team("CSAPA Horizon")
    assert "Une autre équipe" in web.get(f"/persons/{person.pk}/").content.decode()


def test_the_withdrawal_page_names_the_person_in_words_and_can_be_left(web, worker, shared, person):
    consent, _note = shared
    page = web.as_(worker).get(f"/consents/{consent.pk}/withdraw/").content.decode()
    assert "Jo" in page.split("<h1>")[1].split("</h1>")[0]
    assert "Logement et hébergement" in page and "housing" not in page.split("<main")[1]
    assert f'href="/persons/{person.pk}/">Annuler</a>' in page


def _receipt(web, consent, event="given") -> str:
    return web.get(f"/consents/{consent.pk}/receipt/?event={event}").content.decode()


def test_the_printed_receipt_names_the_person(web, worker, team, person):
    consent = give_consent(person, team, ["housing"], by=worker)
    page = _receipt(web.as_(worker), consent)
    assert f"Personne : {person.display_name}" in page and "Reçu : consentement donné" in page


def test_a_withdrawal_receipt_has_no_end_date_and_no_invitation_to_withdraw(web, worker, team, person):
    from datetime import timedelta

    from django.utils import timezone

    from consent.consents import services

    consent = give_consent(
        person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=90)
    )
    assert "Jusqu" in _receipt(web.as_(worker), consent)
    services.withdraw_consent(user=worker, consent_id=consent.pk, method="oral")
    page = _receipt(web, consent, "withdrawn")
    assert "Reçu : consentement retiré" in page
    assert "Jusqu" not in page and "peut retirer" not in page


def test_the_receipt_of_a_refusal_is_titled_as_a_refusal(web, worker, team, person):
    consent = give_consent(person, team, [], by=worker)
    page = _receipt(web.as_(worker), consent)
    assert "Reçu : refus de partager" in page and "consentement donné" not in page


def test_the_persons_own_receipt_speaks_to_them(web, worker, team, person):
    from tests.factories import make_portal_account

    consent = give_consent(person, team, ["housing"], by=worker)
    jo = make_portal_account(person, "jo")
    page = _receipt(web.as_(jo), consent)
    assert "Reçu : votre accord" in page and "Vous acceptez que l'équipe voie" in page.replace("&#x27;", "'")
    assert "la personne" not in page.lower().split("<main")[1].split("<details")[0]


def test_an_over_long_note_comes_back_whole_with_its_count(web, worker, shared, person, settings):
    settings.RELAIS_NOTE_MAX_CHARS = 50
    body = "é" * 60
    response = web.as_(worker).post(
        f"/persons/{person.pk}/notes/new/", {"team": shared[0].team_id, "category": "housing", "body": body}
    )
    page = response.content.decode()
    assert response.status_code == 400 and body in page
    assert "60 caractères : au plus 50" in page and 'maxlength="' not in page.split('name="body"')[1][:200]
    assert 'data-max-chars="50"' in page and Note.objects.filter(body=body).count() == 0


def test_a_request_over_the_size_limit_says_the_text_is_still_in_the_page(
    web, worker, shared, person, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = web.as_(worker).post(
        f"/persons/{person.pk}/notes/new/",
        {"team": shared[0].team_id, "category": "housing", "body": "x" * 5000},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Trop long pour être envoyé" in page
    assert "votre texte est encore dans la page" in page


def test_a_birth_date_in_the_future_and_a_phone_without_digits_are_refused_everywhere(web, api, worker, team):
    data = {"team": team.pk, "display_name": "Futur", "birth_date": "2030-01-01", "phone": "abc"}
    page = web.as_(worker).post("/persons/new/", data)
    text = page.content.decode()
    assert page.status_code == 400 and Person.objects.count() == 0
    assert "entre 1900 et aujourd" in text and "06 12 34 56 78" in text and 'value="Futur"' in text
    response = api.as_(worker).post("/api/v1/persons/", data, format="json")
    assert response.status_code == 400 and {"birth_date", "phone"} <= set(response.json())
    assert Person.objects.count() == 0


@pytest.mark.every_database  # filters by period: dates compared by the database
def test_the_person_page_pages_through_all_notes_and_filters_them(web, worker, colleague, team, person):
    give_consent(person, team, ["housing", "support_plan"], by=worker)
    for i in range(57):
        make_note_by(person, worker if i % 2 else colleague, team, "housing" if i % 3 else "support_plan", i)
    first = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert "57 notes" in first and "Page 1 sur 2" in first and 'rel="next"' in first
    second = web.get(f"/persons/{person.pk}/?page=2").content.decode()
    assert second.count('<article class="note') == 7
    by_author = web.get(
        f"/persons/{person.pk}/", {"author": colleague.pk, "category": "housing"}
    ).content.decode()
    expected = sum(1 for i in range(57) if i % 2 == 0 and i % 3)
    assert expected == 19 and "19 notes" in by_author and "57 notes" not in by_author
    assert by_author.count('<article class="note') == 19 and 'rel="next"' not in by_author
    support = web.get(f"/persons/{person.pk}/", {"category": "support_plan"}).content.decode()
    assert "19 notes" in support and support.count('<article class="note') == 19


def test_the_notes_filter_offers_every_author_by_name_once(web, worker, colleague, team, person):
    give_consent(person, team, ["housing"], by=worker)
    for i in range(4):
        make_note_by(person, worker if i % 2 else colleague, team, "housing", i)
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    choices = page.split('id="n-author"')[1].split("</select>")[0]
    assert choices.count("<option") == 3  # "all", and each author once
    assert f'value="{worker.pk}"' in choices and f'value="{colleague.pk}"' in choices
    assert worker.label in choices and colleague.label in choices


def test_the_notes_filter_form_is_notefilters_and_keeps_what_was_chosen(web, worker, colleague, team, person):
    give_consent(person, team, ["housing"], by=worker)
    make_note_by(person, colleague, team, "housing", 0)
    chosen = {"category": "housing", "author": colleague.pk, "team": team.pk, "since": "2026-01-02"}
    page = web.as_(worker).get(f"/persons/{person.pk}/", chosen).content.decode()
    form = page.split('<form method="get" class="filters">')[1].split("</form>")[0]
    assert '<label for="n-category">Filtrer par catégorie</label>' in form
    for name in ("category", "author", "team"):
        field = form.split(f'id="n-{name}"')[1].split("</select>")[0]
        assert f'<option value="{chosen[name]}" selected>' in field, name
    assert '<input type="date" name="since" value="2026-01-02" id="n-since">' in form
    assert '<input type="date" name="until" id="n-until">' in form


def make_note_by(person, author, team, category, i):
    from tests.factories import make_note

    return make_note(person, author, team, category, f"Note {i}")


@pytest.mark.every_database  # filters by period: dates compared by the database
def test_the_api_filters_notes_by_category_author_team_and_period(api, worker, colleague, team, person):
    give_consent(person, team, ["housing", "support_plan"], by=worker)
    make_note_by(person, worker, team, "housing", 1)
    make_note_by(person, colleague, team, "support_plan", 2)
    url = f"/api/v1/persons/{person.pk}/notes/"
    api.as_(worker)
    assert [n["body"] for n in api.get(url, {"category": "support_plan"}).json()["results"]] == ["Note 2"]
    assert [n["body"] for n in api.get(url, {"author": worker.pk}).json()["results"]] == ["Note 1"]
    assert api.get(url, {"since": "2999-01-01"}).json()["results"] == []
    # A filter narrows what the policy allows, never widens it: a kind the person did not share with
    # the team stays hidden when asked for by name.
    make_note_by(person, colleague, team, "health", 3)
    assert api.get(url, {"category": "health"}).json()["results"] == []
    assert api.get(url, {"team": 2**70}).status_code == 400
    assert api.get(url, {"since": "hier"}).status_code == 400
