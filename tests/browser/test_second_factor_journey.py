"""The second factor in a real browser (issue 19): a worker enrols a TOTP application at their first
sign-in where one is required, the code computed here as the phone would; another enrols a passkey
made by Chromium's virtual authenticator (the DevTools WebAuthn domain) and signs in with it."""

import base64
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP

from audit.models import AccessEvent
from teams.models import Passkey
from tests.browser.conftest import go, shoot, sign_in
from tests.browser.test_accessibility import WCAG, serious
from tests.factories import PASSWORD

# A browser's journey through pages that only render the services' answers: one database is enough.
pytestmark = pytest.mark.any_database


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def virtual_authenticator(page) -> None:
    """A platform authenticator that verifies its user at once, as a phone's fingerprint would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def sign_out(page) -> None:
    go(page, page.locator("header form[action='/logout/'] button"))


def test_a_worker_enrols_a_totp_at_the_first_sign_in_and_signs_in_with_it_after(
    site, open_page, worker, settings
):
    settings.RELAIS_MFA_REQUIRED = True
    page = open_page()
    sign_in(page, site, worker.username, PASSWORD)
    assert page.url.endswith("/login/enrol/")
    shoot(page, "second-factor-enrol")
    assert serious(Axe().run(page, options=WCAG)) == []
    assert page.locator("img[src^='data:image/svg']").evaluate("img => img.naturalWidth") > 0  # the QR code
    secret = page.locator("[data-totp-secret]").inner_text()
    page.locator("#id_code").fill(code_for(secret))
    go(page, page.locator("main form:has(#id_code) button[type=submit]"))
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    go(page, page.locator("main a.button"))
    assert page.url.endswith("/persons/")

    sign_out(page)
    sign_in(page, site, worker.username, PASSWORD)
    assert page.url.endswith("/login/factor/")
    page.locator("#id_code").fill("000000")
    go(page, page.locator("main form:has(#id_code) button[type=submit]"))
    assert page.locator("[role=alert]").count() == 1  # a wrong code: said, and recorded
    page.locator("#id_code").fill(code_for(secret, steps_ahead=1))  # the next code of the phone
    go(page, page.locator("main form:has(#id_code) button[type=submit]"))
    assert page.url.endswith("/persons/")
    actions = list(AccessEvent.objects.filter(actor_id=worker.pk).values_list("action", "outcome"))
    assert ("auth.login_failed", "denied") in actions and actions.count(("auth.login", "allowed")) == 2


def test_a_worker_enrols_a_passkey_and_signs_in_with_it(site, open_page, worker, settings):
    settings.RELAIS_MFA_REQUIRED = True
    page = open_page()
    virtual_authenticator(page)
    sign_in(page, site, worker.username, PASSWORD)
    assert page.url.endswith("/login/enrol/")
    page.locator("#id_passkey_name").fill("Téléphone de service")
    go(page, page.locator("form[data-passkey=create] button[type=button]"))
    assert page.locator("[data-recovery-codes] code").count() == 10
    go(page, page.locator("main a.button"))
    assert page.url.endswith("/persons/")
    assert Passkey.objects.get(user=worker).name == "Téléphone de service"

    sign_out(page)
    sign_in(page, site, worker.username, PASSWORD)
    assert page.url.endswith("/login/factor/")
    shoot(page, "second-factor-passkey")
    assert serious(Axe().run(page, options=WCAG)) == []
    go(page, page.locator("form[data-passkey=get] button[type=button]"))
    assert page.url.endswith("/persons/")
    login = AccessEvent.objects.filter(actor_id=worker.pk, action="auth.login").order_by("-id").first()
    assert login.data["reason"] == "passkey"


def test_a_person_adds_a_passkey_in_their_space_and_then_needs_it(site, open_page, person, settings):
    from tests.factories import make_portal_account

    settings.RELAIS_MFA_REQUIRED = True
    jo = make_portal_account(person, "jo")
    page = open_page()
    virtual_authenticator(page)
    sign_in(page, site, jo.username, PASSWORD)
    assert page.url.endswith("/portal/")  # never asked to enrol
    page.goto(f"{site}/me/security/")
    go(page, page.locator("form[data-passkey=create] button[type=button]"))
    assert page.locator("[data-recovery-codes] code").count() == 10
    sign_out(page)
    sign_in(page, site, jo.username, PASSWORD)
    assert page.url.endswith("/login/factor/")  # her password alone no longer opens her space
    go(page, page.locator("form[data-passkey=get] button[type=button]"))
    assert page.url.endswith("/portal/")
