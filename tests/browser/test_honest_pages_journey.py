"""Where a person would see the difference (issue "Honest pages"), in Chromium: the handover at the
start of a shift, a note corrected, a counter that keeps an over-long note whole, a portal code that
survives a reload and prints with the person's name and the site's address, a new code that gives a
lost space a new password, the person's copy of their data at 360 px, and the auditors' filters by
name at 1280 px with no column cut."""

import re

import pytest

from audit import recorder
from audit.recorder import Event
from records.models import Note
from tests.browser.conftest import go, shoot, sign_in
from tests.factories import PASSWORD, UserFactory, make_member, make_note, make_person, make_team

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


@pytest.fixture
def world(db):
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan"))
    camille = make_member(team, username="camille", display_name="Camille Martin")
    lea = make_member(team, username="lea", display_name="Léa Girard")
    joelle = make_person(
        team,
        display_name="Joëlle",
        first_name="Joëlle",
        last_name="Marchand",
        email="joelle.marchanddupont@associationaccueildejour.example.org",  # no break, wider than a phone
    )
    UserFactory(username="audit", display_name="Agnès Roux", is_auditor=True)
    return {"team": team, "camille": camille, "lea": lea, "joelle": joelle}


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_a_shift_with_honest_pages(site, open_page, world, settings):
    settings.RELAIS_NOTE_MAX_CHARS = 60
    joelle = world["joelle"]
    camille = open_page()
    sign_in(camille, site, "camille", PASSWORD)

    # The handover points out a person followed without consent.
    go(camille, camille.get_by_role("link", name="Quoi de neuf"))
    assert "Maraude Nord suit cette personne sans aucun consentement" in text_of(camille)
    shoot(camille, "20-handover")

    # A consent is recorded; a colleague's note then shows as news, never its text.
    camille.goto(f"{site}/persons/{joelle.pk}/consents/new/")
    camille.get_by_label("Logement et hébergement").check()
    camille.get_by_label("Coordonnées").check()
    camille.get_by_label("Oralement").check()
    go(camille, camille.get_by_role("button", name="Enregistrer le consentement"))
    assert "Personne : Joëlle" in text_of(camille)
    make_note(joelle, world["lea"], world["team"], "housing", "Rendez-vous SIAO jeudi.")
    camille.goto(f"{site}/handover/")
    assert "1 nouvelle note que vous pouvez lire" in text_of(camille)
    assert "Rendez-vous SIAO" not in text_of(camille)

    # An over-long note: the counter says so, the form is not sent, and the text stays whole.
    camille.goto(f"{site}/persons/{joelle.pk}/")
    long_text = "Vu au 115 ce matin, orientée vers l'accueil de jour, à rappeler demain sans faute."
    camille.get_by_label("Type d'information").select_option("housing")
    camille.get_by_label("Note", exact=True).fill(long_text)
    assert "de trop" in camille.locator("#note-counter").inner_text()
    camille.get_by_role("button", name="Enregistrer la note").click()
    assert camille.get_by_label("Note", exact=True).input_value() == long_text
    assert not Note.objects.filter(author=world["camille"]).exists()
    shoot(camille, "21-note-counter")
    camille.get_by_label("Note", exact=True).fill("Vue au 115, orientée vers l'accueil de jour.")
    go(camille, camille.get_by_role("button", name="Enregistrer la note"))

    # The note is corrected; the colleague sees the corrected version, marked as such.
    go(camille, camille.get_by_role("link", name="Corriger cette note"))
    camille.get_by_label("Note corrigée").fill("Vue au 115, orientée vers l'accueil de jour Est.")
    go(camille, camille.get_by_role("button", name="Enregistrer la correction"))
    lea = open_page()
    sign_in(lea, site, "lea", PASSWORD)
    lea.goto(f"{site}/persons/{joelle.pk}/")
    assert "accueil de jour Est" in text_of(lea) and "Corrigée" in text_of(lea)
    shoot(lea, "22-corrected-note")

    # The portal code survives a reload and names the person and the address.
    camille.goto(f"{site}/persons/{joelle.pk}/")
    go(camille, camille.get_by_role("button", name="Créer un code"))
    code = camille.locator(".code").inner_text().strip()
    camille.reload()
    assert camille.locator(".code").inner_text().strip() == code
    assert "Pour Joëlle" in text_of(camille) and f"{site}/portal/activate/" in text_of(camille)
    shoot(camille, "23-portal-code-printable")

    # Joëlle opens her space on a phone, and reads her data in plain words.
    jo = open_page(width=360, height=740)
    jo.goto(f"{site}/portal/activate/")
    jo.get_by_label("Votre code").fill(code)
    jo.get_by_label("Choisissez un nom d'utilisateur").fill("joelle")
    jo.get_by_label("Choisissez un mot de passe").fill("un mot de passe solide")
    jo.get_by_label("Tapez encore le mot de passe").fill("un mot de passe solide")
    go(jo, jo.get_by_role("button", name="Ouvrir mon espace"))
    go(jo, jo.get_by_role("link", name="Voir toutes mes données, pour les lire ou les imprimer"))
    page = text_of(jo)
    assert "Tout ce que Relais garde sur Joëlle" in page and "accueil de jour Est" in page
    assert jo.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(jo, "24-portal-all-my-data-360px")

    # She loses her password: a new code from Camille gives the same space a new one.
    camille.goto(f"{site}/persons/{joelle.pk}/")
    go(camille, camille.get_by_role("button", name="Créer un code pour un nouveau mot de passe"))
    new_code = camille.locator(".code").inner_text().strip()
    lost = open_page(width=360, height=740)
    lost.goto(f"{site}/login/")
    go(lost, lost.get_by_role("link", name="Mot de passe oublié ?"))
    assert "Demandez un nouveau code à votre intervenant" in text_of(lost)
    shoot(lost, "25-password-forgotten")
    go(lost, lost.get_by_role("link", name="J'ai un code"))
    lost.get_by_label("Votre code").fill(new_code)
    lost.get_by_label("Choisissez un nom d'utilisateur").fill("joelle")
    lost.get_by_label("Choisissez un mot de passe").fill("un autre mot de passe solide")
    lost.get_by_label("Tapez encore le mot de passe").fill("un autre mot de passe solide")
    go(lost, lost.get_by_role("button", name="Ouvrir mon espace"))
    lost.wait_for_url(re.compile(r"/portal/$"))

    # The auditor filters by name at 1280 px: names next to ids, and no column is cut, even by a
    # long reason written without spaces (an export's filters).
    filters = "action=note.list&outcome=allowed&since=2026-11-01T00:00:00&until=2026-11-30T23:59:59"
    recorder.record(
        UserFactory(username="audit2", display_name="Auditrice Deux", is_auditor=True),
        Event(
            action="audit.export", person_id=joelle.pk, reason=f"1234 events; person={joelle.pk}&{filters}"
        ),
    )
    audit = open_page(width=1280, height=900)
    sign_in(audit, site, "audit", PASSWORD)
    audit.goto(f"{site}/audit/?person_name=JOELLE")
    rows = audit.locator("section[aria-labelledby=events-title] tbody tr")
    assert rows.count() > 0 and "Joëlle" in rows.first.inner_text()
    right = audit.evaluate(
        "Math.max(...[...document.querySelectorAll('section[aria-labelledby=events-title] th')]"
        ".map(th => th.getBoundingClientRect().right))"
    )
    assert right <= 1280
    shoot(audit, "26-audit-by-name-1280px")
