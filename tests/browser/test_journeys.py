"""The journey of the issue, end to end in Chromium: a worker signs in, accepts the commitment,
creates a person, writes a note and records a consent; a peer worker sees the note, exactly as a
non-peer colleague does; the person opens their space, reads the journal and withdraws; the colleague
no longer sees the note; an auditor finds these events, filters them and exports CSV."""

import csv
import re

import pytest

from records.models import Person
from tests.browser.conftest import go, shoot, sign_in
from tests.factories import PASSWORD, UserFactory, make_member, make_team

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

NOTE = "Dossier SIAO déposé ce matin, en attente de réponse."


@pytest.fixture
def maraude(db):
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))
    return {
        "team": team,
        "camille": make_member(team, username="camille", display_name="Camille Martin", accepted=False),
        "sami": make_member(team, username="sami", display_name="Sami Benali", peer=True),
        "lea": make_member(team, username="lea", display_name="Léa Girard"),
        "auditor": UserFactory(username="audit", display_name="Agnès Roux", is_auditor=True),
    }


def main_text(page) -> str:
    text = page.locator("main").inner_text()
    return re.sub(r"\s+", " ", text)


def test_the_whole_journey(site, open_page, maraude):
    # A worker signs in and is asked for the commitment first.
    camille = open_page()
    sign_in(camille, site, "camille", PASSWORD)
    camille.wait_for_url(re.compile(r"/commitment/"))
    shoot(camille, "01-commitment")
    camille.get_by_label("J'ai lu cet engagement et je l'accepte.").check()
    go(camille, camille.get_by_role("button", name="Accepter"))
    camille.wait_for_url(re.compile(r"/persons/$"))

    # ... creates a person ...
    go(camille, camille.get_by_role("link", name="Nouvelle personne"))
    camille.get_by_label("Nom d'usage").fill("Jo")
    camille.get_by_label("Téléphone").fill("06 12 34 56 78")
    shoot(camille, "02-new-person")
    go(camille, camille.get_by_role("button", name="Créer"))
    camille.wait_for_url(re.compile(r"/persons/\d+/$"))
    person_url = camille.url
    person = Person.objects.get(display_name="Jo")

    # ... writes a note, warned that it stays hers alone until the person agrees ...
    camille.get_by_label("Type d'information").select_option("housing")
    camille.get_by_label("Note", exact=True).fill(NOTE)
    go(camille, camille.get_by_role("button", name="Enregistrer la note"))
    assert "visible que par vous" in main_text(camille)
    shoot(camille, "03-note-warning")
    camille.get_by_label(
        "J'ai compris : enregistrer quand même, visible par moi seul pour l'instant."
    ).check()
    go(camille, camille.get_by_role("button", name="Enregistrer la note"))
    camille.wait_for_url(person_url)
    assert NOTE in main_text(camille)

    # ... and records the consent: housing and contact, orally.
    go(camille, camille.get_by_role("link", name="Enregistrer un consentement"))
    camille.get_by_label("Logement et hébergement").check()
    camille.get_by_label("Coordonnées").check()
    camille.get_by_label("Oralement").check()
    shoot(camille, "04-consent-form")
    go(camille, camille.get_by_role("button", name="Enregistrer le consentement"))
    camille.wait_for_url(re.compile(r"/consents/\d+/receipt/"))
    assert "La personne accepte que l'équipe voie : Coordonnées, Logement et hébergement" in main_text(
        camille
    )
    shoot(camille, "05-receipt")

    # A peer worker sees the note, and exactly the page a non-peer colleague sees.
    sami, lea = open_page(), open_page()
    sign_in(sami, site, "sami", PASSWORD)
    sign_in(lea, site, "lea", PASSWORD)
    sami.goto(person_url)
    lea.goto(person_url)
    assert NOTE in main_text(sami)
    assert main_text(sami) == main_text(lea)
    sami.get_by_text("Pourquoi puis-je voir ceci ?").click()
    assert "Logement et hébergement est partagé avec Maraude Nord" in main_text(sami)
    shoot(sami, "06-person-page-peer-worker")

    # The person opens their space with a one-time code, reads the journal and withdraws.
    camille.goto(person_url)
    go(camille, camille.get_by_role("button", name="Créer un code"))
    code = camille.locator(".code").inner_text().strip()
    shoot(camille, "07-portal-code")
    jo = open_page(width=360, height=740)
    jo.goto(f"{site}/login/")
    go(jo, jo.get_by_role("link", name="Ouvrir mon espace avec mon code"))
    jo.get_by_label("Votre code").fill(code)
    jo.get_by_label("Choisissez un nom d'utilisateur").fill("jo.portail")
    jo.get_by_label("Choisissez un mot de passe").fill("un mot de passe solide")
    jo.get_by_label("Tapez encore le mot de passe").fill("un mot de passe solide")
    go(jo, jo.get_by_role("button", name="Ouvrir mon espace"))
    jo.wait_for_url(re.compile(r"/portal/$"))
    shoot(jo, "08-portal-who-sees-what-360px")
    go(jo, jo.get_by_role("link", name="Qui a regardé"))
    journal = main_text(jo)
    # A peer worker's role is his to tell (issue "Beyond the best", §5): not told until he chooses.
    assert "Sami Benali (Maraude Nord) a lu des notes sur vous." in journal
    assert "Léa Girard (Maraude Nord, éducatrice spécialisée) a lu des notes sur vous." in journal
    shoot(jo, "09-portal-journal-360px")
    go(jo, jo.get_by_role("link", name="Qui voit quoi"))
    go(jo, jo.get_by_role("button", name="Ne plus partager : Logement et hébergement"))
    assert "Maraude Nord ne voit plus cette information" in main_text(jo)
    assert jo.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The colleague no longer sees the note.
    lea.reload()
    assert NOTE not in main_text(lea)

    # An auditor finds these events, filters them, exports them.
    audit = open_page()
    sign_in(audit, site, "audit", PASSWORD)
    audit.wait_for_url(re.compile(r"/audit/$"))
    audit.get_by_label("Personne (identifiant)").fill(str(person.pk))
    audit.get_by_label("Action").select_option("note.list")
    go(audit, audit.get_by_role("button", name="Filtrer"))
    rows = audit.locator("table tbody tr")
    assert rows.count() >= 3
    actors = main_text(audit)
    assert "Sami Benali" in actors and "Léa Girard" in actors
    assert audit.locator("svg rect.allowed").count() == 31
    shoot(audit, "10-audit-log")
    with audit.expect_download() as download_info:
        audit.get_by_role("link", name="Exporter en CSV").click()
    with open(download_info.value.path(), encoding="utf-8") as exported_file:
        exported = list(csv.reader(exported_file))
    assert exported[0][:3] == ["id", "seq", "occurred_at"]
    assert {row[6] for row in exported[1:]} == {"note.list"} and len(exported) >= 4
    assert {row[9] for row in exported[1:]} == {str(person.pk)}
