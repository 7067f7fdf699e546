"""Issue "Every sentence true" (§7, §13), in Chromium at 360 px: the person page starts with what the
team reads and until when, emergency access included; a colleague of the worker who opened it sees
the access with its end in local time and ends it early; axe finds no serious violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from django.utils.formats import date_format

from consent.emergency import services as glass
from consent.models import GlassBreak
from tests.browser.conftest import go, shoot, sign_in
from tests.browser.test_accessibility import WCAG, serious
from tests.factories import PASSWORD, give_consent, make_member, make_note, make_person, make_team

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_the_emergency_access_shows_first_to_the_whole_team_and_ends_early_at_360_px(site, open_page, db):
    axe = Axe()
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan"))
    camille = make_member(team, username="camille", display_name="Camille Martin")
    make_member(team, username="yves", display_name="Yves Morel")
    jo = make_person(team, display_name="Jo")
    give_consent(jo, team, ["housing"], by=camille)
    make_note(jo, camille, team, "support_plan", "Rendez-vous CAF mardi.")
    opened = glass.break_glass(
        user=camille,
        person_id=jo.pk,
        team_id=team.pk,
        categories=["support_plan"],
        reason="danger_to_life",
        statement="Jo a disparu depuis trois jours.",
    )
    end = date_format(timezone.localtime(opened.ends_at), "DATETIME_FORMAT")

    yves = open_page(width=360, height=780)
    sign_in(yves, site, "yves", PASSWORD)
    yves.goto(f"{site}/persons/{jo.pk}/")
    status = yves.locator("#status").locator("xpath=..")
    # The status is the first thing under the name, in the first screen.
    assert status.bounding_box()["y"] < 400
    said = re.sub(r"\s+", " ", status.inner_text())
    assert "Maraude Nord : par accord : Logement et hébergement." in said
    assert f"Accès d’urgence Projet d’accompagnement (jusqu’au {end})" in said.replace("'", "’")
    assert yves.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious(axe.run(yves, options=WCAG)) == []
    shoot(yves, "60-person-status-360")

    go(yves, yves.get_by_role("link", name="Voir ou terminer l’accès d’urgence"))
    box = yves.locator(f'[data-glass="{opened.pk}"]')
    assert f"est ouvert jusqu’au {end}" in box.inner_text().replace("'", "’")
    assert "Rendez-vous CAF mardi." in text_of(yves)  # the team reads it through the access
    assert yves.get_by_role("link", name="Ouvrir un accès d’urgence").count() == 0  # nothing left to open
    shoot(yves, "61-emergency-box-360")
    go(yves, box.get_by_role("button", name="Y mettre fin maintenant"))
    assert f"L’accès d’urgence n° {opened.pk} est terminé" in text_of(yves)
    assert "Rendez-vous CAF mardi." not in text_of(yves)
    assert yves.locator(f'[data-glass="{opened.pk}"]').count() == 0
    assert yves.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious(axe.run(yves, options=WCAG)) == []
    ended = GlassBreak.objects.get(pk=opened.pk)
    assert ended.end_reason == "ended_early" and ended.ended_by.username == "yves"
