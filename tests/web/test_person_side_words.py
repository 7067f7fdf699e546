"""Issue 21, item 12: the words of the person's side, as a person and their representatives read them
(French and English)."""

import re

import pytest
from django.utils import timezone

from consent.models import Representative
from core.text import with_role
from records.models import Person
from tests.factories import give_consent, make_member, make_person, make_portal_account, make_representative

# The words of pages that only render what the services answer (the rules and the API's tests run on
# both databases): one database is enough.
pytestmark = pytest.mark.any_database

NBSP = "\u00a0"


def test_a_role_is_added_inside_a_names_parentheses_never_after_them():
    assert with_role("Lucie Marchand (sa sœur)", "personne de confiance") == (
        "Lucie Marchand (sa sœur, personne de confiance)"
    )
    assert with_role("Lucie Marchand", "personne de confiance") == "Lucie Marchand (personne de confiance)"
    assert with_role("Lucie Marchand", "") == "Lucie Marchand"


def test_texts_about_a_representative_named_with_a_parenthesis_have_one_pair(web, person, worker):
    agent, _account = make_representative(person, by=worker, name="Lucie Marchand (sa sœur)")
    jo = make_portal_account(person, "jo")
    page = web.as_(jo).get("/portal/notices/").content.decode()
    assert "Lucie Marchand (sa sœur, personne de confiance)" in page
    assert ") (" not in page


def test_a_representative_is_told_whose_receipts_and_journal_they_read(web, person, worker, team):
    give_consent(person, team, ["housing"], by=worker)
    _agent, account = make_representative(person, by=worker)
    receipts = web.as_(account).get("/portal/receipts/").content.decode()
    assert "<h1>Reçus de Jo</h1>" in receipts and "Mes reçus" not in receipts.split("<main")[-1]
    journal = web.get("/portal/journal/").content.decode()
    assert "<h1>Qui a regardé les informations de Jo</h1>" in journal


def test_an_ended_role_says_role_ended_and_that_its_space_closed(web, person, worker):
    agent, _account = make_representative(person, by=worker, name="Lucie Marchand")
    jo = make_portal_account(person, "jo")
    web.as_(jo).post(f"/portal/representatives/{agent.pk}/end/", {"confirmed": "yes"})
    mine = web.get("/portal/representatives/").content.decode()
    assert "rôle terminé" in mine and ">terminé<" not in mine
    workers = web.as_(worker).get(f"/persons/{person.pk}/representatives/").content.decode()
    assert "rôle terminé" in workers and "Son espace a fermé avec le rôle." in workers
    assert "Son espace est ouvert." not in workers


def test_an_end_decided_by_the_person_is_worded_in_the_readers_language(web, person, worker):
    agent, _account = make_representative(person, by=worker)
    web.as_(make_portal_account(person, "jo")).post(
        f"/portal/representatives/{agent.pk}/end/", {"confirmed": "yes"}
    )
    web.as_(worker)
    english = web.get(f"/persons/{person.pk}/representatives/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ended by the person in their space." in english and "Fin décidée" not in english
    french = web.get(f"/persons/{person.pk}/representatives/").content.decode()
    assert "Fin décidée par la personne dans son espace." in french
    # A role ended by an earlier version kept the French words in the record: read in English too.
    Representative.objects.filter(pk=agent.pk).update(
        end_evidence="Fin décidée par la personne dans son espace."
    )
    english = web.get(f"/persons/{person.pk}/representatives/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ended by the person in their space." in english


def test_an_english_time_at_the_end_of_a_sentence_has_one_period(web, person, worker):
    make_representative(person, by=worker)
    page = web.as_(worker).get(f"/persons/{person.pk}/representatives/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Recorded on" in text
    assert ".." not in re.sub(r"\.\.\.|…", "", text.split("<main")[-1])
    assert "p.m." not in text and "a.m." not in text
    hour = timezone.localtime().strftime("%H:")
    assert hour in text  # a 24-hour clock, as in French


def test_the_portal_says_what_a_team_sees_with_french_typography_and_agreement(web, person, worker, team):
    give_consent(person, team, ["housing"], by=worker)
    page = web.as_(make_portal_account(person, "jo")).get("/portal/").content.decode()
    assert f"<strong>Coordonnées</strong>{NBSP}: cette équipe n’y a pas accès." in page
    assert "<strong>Logement et hébergement</strong>" in page
    assert "</strong>: " not in page and "ne le voit pas" not in page


def test_a_man_followed_without_consent_is_not_told_in_the_feminine(web, team, worker):
    make_person(team, display_name="Karim")
    assert Person.objects.filter(display_name="Karim").exists()
    page = web.as_(make_member(team)).get("/renewals/").content.decode()
    assert "Suivie par" not in page
    assert (
        f"Maraude Nord suit cette personne sans aucun consentement{NBSP}: enregistrez-en un avec elle."
        in page
    )
