"""Issue 21, items 8–12, in Chromium on a 360-px phone: Jo reads her journal with a team's lists of a
day as one line, says she does not agree with an emergency access and with a journal line, reads the
auditor's answer; stopping all sharing and ending her sister's role each ask first. axe finds no
serious violation on any of these pages, and nothing scrolls sideways."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from audit import recorder
from audit.recorder import Event
from consent.models import Consent, Disagreement, GlassBreak, Representative
from tests.browser.conftest import go, shoot, sign_in
from tests.browser.test_accessibility import WCAG, serious
from tests.factories import (
    PASSWORD,
    UserFactory,
    give_consent,
    make_member,
    make_person,
    make_representative,
    make_team,
)

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


@pytest.fixture
def world(db):
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan"))
    camille = make_member(team, username="camille", display_name="Camille Martin")
    sami = make_member(team, username="sami", display_name="Sami Benali", peer=True)
    jo = make_person(team, display_name="Jo")
    give_consent(jo, team, ["housing", "contact"], by=camille)
    account = UserFactory(username="jo", display_name="Jo")
    type(jo).objects.filter(pk=jo.pk).update(account=account)
    for reader in (camille, sami, camille):  # three pages of persons that showed Jo's name today
        recorder.record(reader, Event(action="person.list", person_id=jo.pk, team_id=team.pk))
    GlassBreak.objects.create(
        person=jo,
        team=team,
        opened_by=camille,
        reason="cannot_be_asked",
        statement="Injoignable depuis trois jours.",
        ends_at=timezone.now() + timedelta(hours=4),
    )
    make_representative(jo, by=camille, name="Lucie Marchand (sa sœur)", username="lucie")
    UserFactory(username="audit", display_name="Agnès Roux", is_auditor=True)
    return {"team": team, "jo": jo}


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def fits_and_passes(page, axe) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious(axe.run(page, options=WCAG)) == []


def test_the_persons_side_at_360_px(site, open_page, world):
    axe = Axe()
    jo = open_page(width=360, height=780)
    sign_in(jo, site, "jo", PASSWORD)
    jo.goto(f"{site}/portal/")

    # The emergency banner: "I do not agree" leads to a form that says what it is about.
    go(jo, jo.get_by_role("link", name="Je ne suis pas d’accord"))
    assert "L’accès d’urgence ouvert par Maraude Nord le" in text_of(jo)
    fits_and_passes(jo, axe)
    shoot(jo, "40-disagree-emergency-360")
    go(jo, jo.get_by_role("button", name="L’envoyer au contrôle"))  # nothing written: refused, kept
    assert "Ce champ est obligatoire" in text_of(jo) and not Disagreement.objects.exists()
    jo.get_by_label("Pourquoi n’êtes-vous pas d’accord ?").fill("Ma sœur savait où j’étais.")
    go(jo, jo.get_by_role("button", name="L’envoyer au contrôle"))
    assert "En attente de réponse" in text_of(jo) and "Ma sœur savait où j’étais." in text_of(jo)
    fits_and_passes(jo, axe)
    shoot(jo, "41-my-disagreements-360")

    # The journal: today's three lists of Maraude Nord are one line; any line can be disagreed with.
    jo.goto(f"{site}/portal/journal/")
    journal = text_of(jo)
    assert "Votre nom a été vu 3 fois dans une liste ce jour-là par Maraude Nord" in journal
    assert journal.count("dans une liste") == 1
    assert "a enregistré votre accord pour Maraude Nord." in journal
    fits_and_passes(jo, axe)
    shoot(jo, "42-grouped-journal-360")
    go(jo, jo.get_by_role("link", name=re.compile("^Je ne suis pas d’accord")).first)
    jo.get_by_label("Pourquoi n’êtes-vous pas d’accord ?").fill("Je ne connais pas cette personne.")
    go(jo, jo.get_by_role("button", name="L’envoyer au contrôle"))
    assert Disagreement.objects.filter(event_id__isnull=False).count() == 1

    # An auditor answers both; Jo is told and reads the answers.
    agnes = open_page()
    sign_in(agnes, site, "audit", PASSWORD)
    go(agnes, agnes.get_by_role("link", name="Désaccords"))
    assert "Ma sœur savait où j’étais." in text_of(agnes)
    assert serious(axe.run(agnes, options=WCAG)) == []
    shoot(agnes, "43-disagreement-queue")
    for _ in range(2):
        agnes.get_by_label("Votre réponse, que la personne lira").first.fill("Vu avec l’équipe : noté.")
        go(agnes, agnes.get_by_role("button", name="Envoyer la réponse").first)
    assert "Aucun désaccord n’attend de réponse." in text_of(agnes)
    jo.goto(f"{site}/portal/notices/")
    assert "Le contrôle a répondu à ce avec quoi vous avez dit ne pas être d’accord." in text_of(jo)
    go(jo, jo.get_by_role("link", name="Lire la réponse").first)
    assert text_of(jo).count("Vu avec l’équipe : noté.") == 2

    # Stopping all sharing asks first: the first tap opens the question, nothing else.
    jo.goto(f"{site}/portal/")
    jo.locator("summary", has_text="Ne plus rien partager avec Maraude Nord").click()
    assert Consent.objects.get(person=world["jo"]).status == "current"
    assert "c’est définitif" in text_of(jo)
    fits_and_passes(jo, axe)
    shoot(jo, "44-stop-sharing-asks-360")
    go(jo, jo.get_by_role("button", name="Oui, ne plus rien partager avec Maraude Nord"))
    assert Consent.objects.get(person=world["jo"]).status == "withdrawn"

    # Ending her sister's role asks first too; the role is named with one pair of parentheses.
    go(jo, jo.get_by_role("link", name="Qui agit pour moi"))
    assert "Lucie Marchand (sa sœur)" in text_of(jo)
    jo.locator("summary", has_text="Lucie Marchand (sa sœur) n’agit plus pour moi").click()
    assert Representative.objects.get().ended_at is None
    fits_and_passes(jo, axe)
    shoot(jo, "45-end-role-asks-360")
    go(jo, jo.get_by_role("button", name="Oui, mettre fin au rôle de Lucie Marchand (sa sœur)"))
    assert Representative.objects.get().ended_at is not None
    assert "rôle terminé" in text_of(jo)
