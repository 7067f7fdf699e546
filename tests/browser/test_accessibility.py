"""Every page passes axe-core with no serious or critical violation (RGAA / WCAG 2.1 AA), starts with
a skip link that keyboard users reach first, and fits a 360-px-wide phone without sideways scrolling."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from consent.consents import services as consent_services
from tests.browser.conftest import shoot, sign_in
from tests.factories import (
    PASSWORD,
    UserFactory,
    give_consent,
    make_member,
    make_note,
    make_person,
    make_representative,
    make_team,
)

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


@pytest.fixture
def world(db):
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan", "administrative"))
    make_team("CSAPA Horizon", ("contact", "health", "addiction"))
    worker = make_member(team, username="camille", display_name="Camille Martin")
    person = make_person(team, display_name="Jo", first_name="Jo", last_name="Durand")
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    make_note(person, worker, team, "housing", "Dossier SIAO déposé.")
    note = make_note(person, worker, team, "support_plan", "Objectif : un logement autonome.")
    portal_user = UserFactory(username="jo", display_name="Jo")
    type(person).objects.filter(pk=person.pk).update(account=portal_user)
    UserFactory(username="audit", is_auditor=True)
    UserFactory(username="direction", is_manager=True)
    newcomer = make_member(team, username="nouveau", accepted=False)
    make_member(team, username="sami", display_name="Sami Benali", peer=True)
    code, _ = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    make_representative(person, by=worker, name="Lucie Marchand", username="lucie")
    return {
        "person": person,
        "consent": consent,
        "team": team,
        "newcomer": newcomer,
        "code": code,
        "note": note,
    }


def pages(world):
    p, c = world["person"].pk, world["consent"].pk
    return {
        None: ["/login/", "/portal/activate/", "/persons/999/", "/password/forgotten/", "/account/code/"],
        "nouveau": ["/commitment/"],
        "sami": ["/me/presentation/"],
        "camille": [
            "/persons/",
            f"/persons/{p}/",
            "/persons/new/",
            f"/persons/{p}/consents/new/",
            f"/consents/{c}/receipt/",
            f"/consents/{c}/withdraw/",
            "/persons/999999/",
            "/audit/",
            "/handover/",
            f"/persons/{p}/contact/",
            f"/notes/{world['note'].pk}/correct/",
            f"/persons/{p}/portal-code/",
            "/me/presentation/",
            "/renewals/",
            f"/persons/{p}/emergency/",
            f"/persons/{p}/representatives/",
            f"/persons/{p}/exclusions/",
            "/me/security/",
            "/password/",
        ],
        "jo": [
            "/portal/",
            "/portal/journal/",
            "/portal/receipts/",
            "/portal/print/",
            "/portal/notices/",
            f"/consents/{c}/receipt/",
            "/portal/representatives/",
            "/portal/exclusions/",
            "/portal/notes/",
            "/portal/confirm/",
            "/me/security/",
        ],
        "lucie": ["/portal/", "/portal/representatives/", "/portal/journal/", "/portal/receipts/"],
        "audit": [
            "/audit/",
            "/audit/?person_name=jo",
            "/audit/?actor=abc",
            "/audit/integrity/",
            "/audit/emergencies/",
            "/audit/resets/",
        ],
        "direction": [
            "/admin/",
            f"/admin/teams/team/{world['team'].pk}/change/",
            "/admin/teams/user/",
            f"/admin/teams/user/{world['newcomer'].pk}/recovery/",
        ],
    }


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_has_no_serious_accessibility_violation(site, open_page, world):
    axe = Axe()
    found = {}
    for username, urls in pages(world).items():
        page = open_page()
        if username:
            sign_in(page, site, username, PASSWORD)
        for url in urls:
            page.goto(f"{site}{url}")
            problems = serious(axe.run(page, options=WCAG))
            if problems:
                found[(username, url)] = problems
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_person_page_is_accessible_in_english_too(site, open_page, world):
    page = open_page(locale="en-GB")
    sign_in(page, site, "camille", PASSWORD)
    page.goto(f"{site}/persons/{world['person'].pk}/")
    assert (
        page.locator("h2#notes").inner_text() == "Notes"
        and page.locator("html").get_attribute("lang") == "en"
    )
    assert serious(Axe().run(page, options=WCAG)) == []


def test_the_skip_link_comes_first_and_leads_to_the_content(site, open_page, world):
    page = open_page()
    sign_in(page, site, "camille", PASSWORD)
    page.goto(f"{site}/persons/{world['person'].pk}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_note_can_be_written_with_the_keyboard_alone(site, open_page, world):
    page = open_page()
    sign_in(page, site, "camille", PASSWORD)
    page.goto(f"{site}/persons/{world['person'].pk}/")
    page.get_by_label("Type d'information").focus()
    page.keyboard.press("Tab")
    page.keyboard.type("Écrit au clavier.")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Écrit au clavier." in page.locator("main").inner_text()


@pytest.mark.parametrize(
    "username, url",
    [
        ("camille", "/persons/"),
        ("camille", "person"),
        ("jo", "/portal/"),
        ("jo", "/portal/journal/"),
        ("audit", "/audit/"),
    ],
)
def test_pages_fit_a_360_px_phone(site, open_page, world, username, url):
    page = open_page(width=360, height=740)
    sign_in(page, site, username, PASSWORD)
    page.goto(f"{site}/persons/{world['person'].pk}/" if url == "person" else f"{site}{url}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    name = "person" if url == "person" else url.strip("/").replace("/", "-")
    shoot(page, f"phone-{username}-{name}")
