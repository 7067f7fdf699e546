"""Issue "Beyond the best", in Chromium: a peer worker who keeps his role to himself, a worker's list
of consents to renew, and a person on a 360-px phone who sees the banner, renews in one click, and
reads and clears their inbox; axe finds no serious violation on any of these pages."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from consent.models import Consent
from tests.browser.conftest import go, shoot, sign_in
from tests.browser.test_accessibility import WCAG, serious
from tests.factories import PASSWORD, UserFactory, give_consent, make_member, make_person, make_team

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


@pytest.fixture
def world(db):
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan"))
    camille = make_member(team, username="camille", display_name="Camille Martin")
    sami = make_member(
        team, username="sami", display_name="Sami Benali", peer=True, profession="travailleur pair"
    )
    jo = make_person(team, display_name="Jo", first_name="Joëlle", last_name="Marchand")
    give_consent(
        jo, team, ["housing", "contact"], by=camille, valid_until=timezone.now() + timedelta(days=10)
    )
    account = UserFactory(username="jo", display_name="Jo")
    type(jo).objects.filter(pk=jo.pk).update(account=account)
    make_person(team, display_name="Sam")  # followed without any consent
    UserFactory(username="audit", display_name="Agnès Roux", is_auditor=True)
    return {"team": team, "camille": camille, "sami": sami, "jo": jo}


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_beyond_the_best(site, open_page, world):
    axe = Axe()
    # Sami chooses to be "intervenant", and not to tell his peer role for now.
    sami = open_page()
    sign_in(sami, site, "sami", PASSWORD)
    go(sami, sami.get_by_role("link", name="Ma présentation"))
    assert serious(axe.run(sami, options=WCAG)) == []
    sami.get_by_label("Votre titre, tel que les personnes et vos collègues le lisent").fill("intervenant")
    go(sami, sami.get_by_role("button", name="Enregistrer"))
    assert (
        "Sami Benali (intervenant)" in text_of(sami)
        and "pair-aidant" not in text_of(sami).split("lisent :")[1][:40]
    )
    sami.goto(f"{site}/persons/{world['jo'].pk}/")  # a read: the person will see it, as he chose
    shoot(sami, "30-presentation")

    # Camille's list of what to renew: Jo's consent ends in ten days, Sam has none.
    camille = open_page()
    sign_in(camille, site, "camille", PASSWORD)
    go(camille, camille.get_by_role("link", name="À renouveler"))
    listed = text_of(camille)
    assert "Le consentement pour Maraude Nord prend fin le" in listed and "Sam" in listed
    assert serious(axe.run(camille, options=WCAG)) == []
    shoot(camille, "31-renewals")

    # An emergency: Jo cannot be reached, and Camille breaks the glass for the support plan.
    camille.goto(f"{site}/persons/{world['jo'].pk}/")
    go(camille, camille.get_by_role("link", name="Ouvrir un accès d’urgence"))
    assert serious(axe.run(camille, options=WCAG)) == []
    camille.get_by_label("Projet d'accompagnement").check()
    camille.get_by_label("danger de mort").check()
    camille.get_by_label("Pourquoi cela ne peut pas attendre, en une phrase").fill(
        "Jo a disparu depuis trois jours."
    )
    go(camille, camille.get_by_role("button", name="Ouvrir l’accès d’urgence"))
    assert "Accès d’urgence ouvert jusqu’au" in text_of(camille)
    shoot(camille, "34-glass-broken")

    # Jo, on a phone: the emergency banner first, then the end of a consent, one click to renew, the inbox.
    jo = open_page(width=360, height=780)
    sign_in(jo, site, "jo", PASSWORD)
    jo.goto(f"{site}/portal/")
    assert "Votre accord avec Maraude Nord prend fin le" in text_of(jo)
    assert "Maraude Nord a ouvert un accès d’urgence à vos informations" in text_of(jo)
    assert "Raison : danger de mort" in text_of(jo)
    assert jo.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious(axe.run(jo, options=WCAG)) == []
    shoot(jo, "32-portal-banner-360")
    go(jo, jo.get_by_role("button", name="J’ai vu"))
    assert "a ouvert un accès d’urgence" not in text_of(jo)
    go(jo, jo.get_by_role("button", name="Renouveler mon accord avec Maraude Nord"))
    assert "C’est fait. Votre accord avec Maraude Nord prend maintenant fin le" in text_of(jo)
    assert Consent.objects.filter(person=world["jo"], supersedes__isnull=False).count() == 1

    go(jo, jo.get_by_role("link", name="Lire mes avis"))
    inbox = text_of(jo)
    assert "Camille Martin (éducatrice spécialisée) a enregistré votre accord pour Maraude Nord." in inbox
    assert "Sami Benali (intervenant) a lu vos informations pour la première fois." in inbox
    assert jo.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious(axe.run(jo, options=WCAG)) == []
    shoot(jo, "33-inbox-360")
    go(jo, jo.get_by_role("button", name="Tout marquer comme lu"))
    assert "Nouveau" not in text_of(jo)
    jo.get_by_label("Votre adresse e-mail").fill("jo@example.org")
    jo.get_by_label("M’envoyer un court e-mail quand il y a du nouveau").check()
    go(jo, jo.get_by_role("button", name="Enregistrer"))
    assert "Vous recevrez un court e-mail" in text_of(jo)

    # An auditor closes the emergency access with a verdict.
    agnes = open_page()
    sign_in(agnes, site, "audit", PASSWORD)
    go(agnes, agnes.get_by_role("link", name="Accès d’urgence"))
    assert "Jo a disparu depuis trois jours." in text_of(agnes)
    assert serious(axe.run(agnes, options=WCAG)) == []
    shoot(agnes, "35-glass-review")
    agnes.get_by_label("justifié", exact=True).check()
    agnes.get_by_label("Sur quoi repose le verdict").fill("Disparition signalée par l’accueil de jour.")
    go(agnes, agnes.get_by_role("button", name="Enregistrer le verdict"))
    assert "Rien n’attend d’examen." in text_of(agnes)


def test_a_trusted_person_acts_for_jo_who_sees_it_and_ends_it(site, open_page, world):
    axe = Axe()
    # Camille records Jo's sister as her trusted person, with the written designation, and gets a code.
    camille = open_page()
    sign_in(camille, site, "camille", PASSWORD)
    camille.goto(f"{site}/persons/{world['jo'].pk}/")
    go(camille, camille.get_by_role("link", name="Une personne de confiance ou un représentant légal"))
    assert serious(axe.run(camille, options=WCAG)) == []
    camille.get_by_label("Nom de la personne qui agira").fill("Lucie Marchand")
    camille.get_by_label("personne de confiance", exact=True).check()
    camille.get_by_label("gérer les accords et lire le journal").check()
    camille.get_by_label("Justificatif").fill("Désignation écrite signée par Jo le 2 octobre.")
    go(camille, camille.get_by_role("button", name="Enregistrer et faire un code"))
    code = camille.locator(".code").inner_text().strip()
    assert "Pour Lucie Marchand, qui agit pour Jo" in text_of(camille)
    shoot(camille, "36-representative-recorded")

    # Lucie opens her own space on her phone, is told for whom she acts, and shares one more thing.
    lucie = open_page(width=360, height=780)
    lucie.goto(f"{site}/portal/activate/")
    lucie.get_by_label("Votre code").fill(code)
    lucie.get_by_label("Choisissez un nom d'utilisateur").fill("lucie")
    lucie.get_by_label("Choisissez un mot de passe").fill(PASSWORD)
    lucie.get_by_label("Tapez encore le mot de passe").fill(PASSWORD)
    go(lucie, lucie.get_by_role("button", name="Ouvrir mon espace"))
    lucie.goto(f"{site}/portal/")
    assert "Vous agissez pour Jo, en tant que personne de confiance" in text_of(lucie)
    assert lucie.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious(axe.run(lucie, options=WCAG)) == []
    shoot(lucie, "37-representative-portal-360")
    go(lucie, lucie.get_by_role("button", name="Partager : Projet d'accompagnement"))
    consent = Consent.objects.filter(person=world["jo"]).latest("id")
    assert consent.representative is not None and consent.recorded_by.username == "lucie"

    # Jo reads it in her journal, sees who acts for her, and ends her sister's role herself.
    jo = open_page(width=360, height=780)
    sign_in(jo, site, "jo", PASSWORD)
    jo.goto(f"{site}/portal/journal/")
    assert "Lucie Marchand (personne de confiance) a enregistré votre accord pour Maraude Nord." in text_of(
        jo
    )
    go(jo, jo.get_by_role("link", name="Qui agit pour moi"))
    assert serious(axe.run(jo, options=WCAG)) == []
    shoot(jo, "38-who-acts-for-me-360")
    jo.locator("summary", has_text="Lucie Marchand n’agit plus pour moi").click()  # asks first
    go(jo, jo.get_by_role("button", name="Oui, mettre fin au rôle de Lucie Marchand"))
    assert "C’est fait. Lucie Marchand n’agit plus pour vous." in text_of(jo)
    lucie.goto(f"{site}/portal/")
    assert "/login/" in lucie.url  # her space closed with the role
