"""Single sign-on for staff through OpenID Connect, against a real provider: panva's oidc-provider
(tests/oidc/provider.mjs, installed by ``bin/setup --test-tools``), started by these tests with the
machine's node. The whole authorization-code flow is driven by a real HTTP client: Relais's live
server sends the browser to the provider, the provider's own login and consent pages are filled in,
and its redirect brings the code back to Relais, which exchanges it, checks the signed ID token and
reads the userinfo. Nothing of mozilla-django-oidc is replaced."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests
from django.contrib.sessions.backends.db import SessionStore

from audit.models import AccessEvent
from teams import oidc, sign_in_limits
from teams.models import Membership, ProviderIdentity, User
from tests.factories import make_member, make_person, make_portal_account, make_team, representative_of

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc"
NODE = shutil.which("node")
READY = NODE is not None and (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir()
# Single sign-on against a real provider, through the pages: one database is enough.
pytestmark = [
    pytest.mark.skipif(
        not READY and not os.environ.get("RELAIS_REQUIRE_TOOLS"),
        reason="node or tests/oidc/node_modules is missing (bin/setup --test-tools installs them)",
    ),
    pytest.mark.any_database,
]

CLIENT = {"client_id": "relais", "client_secret": "a secret for the tests only"}
# The identities the provider knows, by subject: what it says of each.
IDENTITIES = {
    "u-camille": {"email": "camille@maraude.example", "email_verified": True},
    "u-unverified": {"email": "camille@maraude.example", "email_verified": False},
    "u-stranger": {"email": "nobody@maraude.example", "email_verified": True},
    "u-jo": {"email": "jo@example.org", "email_verified": True},
    "u-marie": {"email": "marie@example.org", "email_verified": True},
    "u-gone": {"email": "gone@maraude.example", "email_verified": True},
    "u-loner": {"email": "loner@maraude.example", "email_verified": True},
    "u-direction": {"email": "direction@maraude.example", "email_verified": True},
    "u-lea-mfa": {"email": "lea@maraude.example", "email_verified": True, "amr": ["pwd", "mfa"]},
    "u-lea-pwd": {"email": "lea@maraude.example", "email_verified": True, "amr": ["pwd"]},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider(live_server):
    """The provider, on a free port, knowing Relais's live server as its client's redirect."""
    port = _free_port()
    client = {**CLIENT, "redirect_uri": f"{live_server.url}/login/oidc/callback/"}
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT": json.dumps(client),
        "OIDC_ACCOUNTS": json.dumps(IDENTITIES),
    }
    process = subprocess.Popen(
        [NODE or "node", str(PROVIDER_DIR / "provider.mjs")],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("listening "), "the OpenID Connect provider did not start"
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(provider, live_server, flushable_audit, settings):
    """Relais configured for the provider, as a deployment would be by its environment."""
    settings.DEBUG = False
    settings.RELAIS_OIDC_ISSUER = provider
    settings.RELAIS_OIDC_CLIENT_ID = CLIENT["client_id"]
    settings.RELAIS_OIDC_CLIENT_SECRET = CLIENT["client_secret"]
    settings.RELAIS_OIDC_LABEL = "Connexion GCSMS"
    oidc._discovered.clear()
    team = make_team("Maraude Nord", ("contact", "housing"))
    return {"site": live_server.url, "issuer": provider, "team": team}


def through_provider(
    sso, subject: str, start: str = "/login/oidc/", *, with_methods: bool = False
) -> tuple[requests.Session, requests.Response]:
    """A browser's way through: Relais sends it to the provider, which asks who signs in (any
    subject it knows; ``with_methods``: and says how it authenticated them) and then for consent,
    and sends it back to Relais with a code."""
    browser = requests.Session()
    page = browser.get(sso["site"] + start, timeout=20)
    assert page.url.startswith(sso["issuer"] + "/interaction/"), page.url
    login = page.url + "/as" if with_methods else page.url
    page = browser.post(login, data={"prompt": "login", "login": subject, "password": "-"}, timeout=20)
    if page.url.startswith(sso["issuer"] + "/interaction/"):
        page = browser.post(page.url, data={"prompt": "consent"}, timeout=20)
    return browser, page


def sign_in_events():
    return [
        (e.action, e.outcome, e.actor_id, e.reason)
        for e in AccessEvent.objects.filter(action__startswith="auth.").order_by("id")
    ]


def signed_in_as(browser: requests.Session) -> User | None:
    key = browser.cookies.get("sessionid")
    if not key:
        return None
    session = SessionStore(session_key=key)
    user_id = session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_sign_in_page_offers_the_organisations_button_only_when_configured(sso, settings):
    page = requests.get(sso["site"] + "/login/", timeout=20)
    assert "Connexion GCSMS" in page.text and "/login/oidc/" in page.text
    settings.RELAIS_OIDC_LABEL = ""
    page = requests.get(sso["site"] + "/login/", timeout=20)
    assert "Me connecter par mon organisation" in page.text
    page = requests.get(sso["site"] + "/login/", headers={"Accept-Language": "en"}, timeout=20)
    assert "Sign in through my organisation" in page.text
    settings.RELAIS_OIDC_ISSUER = ""
    page = requests.get(sso["site"] + "/login/", timeout=20)
    assert "/login/oidc/" not in page.text
    for path in ("/login/oidc/", "/login/oidc/callback/?code=x&state=y"):
        assert requests.get(sso["site"] + path, timeout=20, allow_redirects=False).status_code == 404


@pytest.mark.parametrize("peer", [False, True], ids=["worker", "peer worker"])
def test_a_worker_mapped_by_a_verified_email_signs_in_and_lands_on_their_persons(sso, peer):
    """A peer worker signs in exactly as a colleague does (R3)."""
    worker = make_member(sso["team"], peer=peer, username="camille", email="Camille@maraude.example")
    browser, page = through_provider(sso, "u-camille")
    assert page.status_code == 200 and page.url == sso["site"] + "/persons/"
    assert signed_in_as(browser) == worker
    assert sign_in_events() == [
        ("auth.login", "allowed", worker.pk, "through OIDC, first time: identity linked")
    ]
    assert [(i.user, i.issuer, i.subject) for i in ProviderIdentity.objects.all()] == [
        (worker, sso["issuer"], "u-camille")
    ]
    browser, _ = through_provider(sso, "u-camille")  # the second time, the same identity
    assert signed_in_as(browser) == worker
    assert sign_in_events()[-1] == ("auth.login", "allowed", worker.pk, "through OIDC")
    assert ProviderIdentity.objects.count() == 1
    session = SessionStore(session_key=browser.cookies["sessionid"])
    # The local second factor still applies: the provider's own is not trusted by default.
    assert session[oidc.SECOND_FACTOR_BY_PROVIDER] is False
    assert session["_auth_user_backend"] == "teams.backends.UserBackend"


def test_a_manager_who_gives_a_colleagues_account_their_own_address_does_not_sign_in_as_them(sso):
    """The takeover of issue 19 through single sign-on: the account keeps the identity it was first
    signed in with, whatever its e-mail address becomes."""
    worker = make_member(sso["team"], username="camille", email="camille@maraude.example")
    through_provider(sso, "u-camille")
    User.objects.filter(pk=worker.pk).update(email="nobody@maraude.example")  # u-stranger's address
    browser, page = through_provider(sso, "u-stranger")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events()[-1] == (
        "auth.login_failed",
        "denied",
        None,
        "through OIDC (another identity): camille",
    )
    assert list(ProviderIdentity.objects.values_list("subject", flat=True)) == ["u-camille"]


def test_an_identity_linked_to_one_account_opens_no_other(sso):
    camille = make_member(sso["team"], username="camille", email="camille@maraude.example")
    through_provider(sso, "u-camille")
    User.objects.filter(pk=camille.pk).update(email="")
    make_member(sso["team"], username="lea", email="camille@maraude.example")
    browser, page = through_provider(sso, "u-camille")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events()[-1] == (
        "auth.login_failed",
        "denied",
        None,
        "through OIDC (another identity): lea",
    )


def test_the_services_superuser_never_signs_in_through_the_provider(sso):
    from tests.factories import UserFactory

    UserFactory(username="root", email="direction@maraude.example", is_superuser=True, is_staff=True)
    browser, page = through_provider(sso, "u-direction")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events() == [("auth.login_failed", "denied", None, "through OIDC (superuser): root")]


def test_a_sign_in_whose_record_fails_links_nothing_and_signs_nobody_in(sso, monkeypatch):
    """All or nothing (R5): the link and the session go with the event, or not at all."""
    from audit import recorder
    from core.domain_errors import Unavailable

    worker = make_member(sso["team"], username="camille", email="camille@maraude.example")
    real_record = recorder.record

    def record_then_fail(actor, *events):
        real_record(actor, *events)
        if any(e.outcome == "allowed" for e in events):
            raise Unavailable()

    monkeypatch.setattr(recorder, "record", record_then_fail)
    browser, page = through_provider(sso, "u-camille")
    assert page.status_code == 503 and signed_in_as(browser) is None
    assert not ProviderIdentity.objects.filter(user=worker).exists()
    assert sign_in_events() == []


def test_the_page_asked_for_before_signing_in_is_where_the_worker_lands(sso):
    make_member(sso["team"], username="camille", email="camille@maraude.example")
    _, page = through_provider(sso, "u-camille", start="/login/oidc/?next=/handover/")
    assert page.url == sso["site"] + "/handover/"


def test_an_identity_that_matches_no_account_is_refused_recorded_and_creates_nothing(sso):
    make_member(sso["team"], username="camille", email="camille@maraude.example")
    accounts, memberships = User.objects.count(), Membership.objects.count()
    browser, page = through_provider(sso, "u-stranger")
    assert page.status_code == 403 and "/login/oidc/callback/" in page.url
    assert "signing in never creates one" in page.text.replace("\u2019", "'") or "jamais" in page.text
    assert signed_in_as(browser) is None
    assert sign_in_events() == [
        ("auth.login_failed", "denied", None, "through OIDC (not matched): nobody@maraude.example")
    ]
    assert (User.objects.count(), Membership.objects.count()) == (accounts, memberships)


def test_an_email_the_provider_did_not_verify_is_refused_even_for_a_known_address(sso):
    make_member(sso["team"], username="camille", email="camille@maraude.example")
    browser, page = through_provider(sso, "u-unverified")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events() == [
        ("auth.login_failed", "denied", None, "through OIDC (unverified): camille@maraude.example")
    ]


def test_a_persons_own_space_never_opens_through_the_organisations_sign_in(sso):
    jo = make_portal_account(make_person(sso["team"], display_name="Jo"), "jo")
    User.objects.filter(pk=jo.pk).update(email="jo@example.org")
    browser, page = through_provider(sso, "u-jo")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events() == [("auth.login_failed", "denied", None, "through OIDC (portal account): jo")]


def test_a_representatives_space_never_opens_through_the_organisations_sign_in(sso):
    worker = make_member(sso["team"], username="camille")
    agent = representative_of(make_person(sso["team"], display_name="Jo"), worker).account
    User.objects.filter(pk=agent.pk).update(email="marie@example.org")
    browser, page = through_provider(sso, "u-marie")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events() == [
        ("auth.login_failed", "denied", None, f"through OIDC (portal account): {agent.username}")
    ]


def test_a_deactivated_account_is_refused_and_the_refusal_counts_toward_its_lock_out(sso, settings):
    settings.RELAIS_LOGIN_ACCOUNT_LIMIT = 1
    make_member(sso["team"], username="gone", email="gone@maraude.example", is_active=False)
    browser, page = through_provider(sso, "u-gone")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events() == [("auth.login_failed", "denied", None, "through OIDC (deactivated): gone")]
    assert sign_in_limits.account_stopped("gone")


def test_an_account_with_no_staff_role_is_refused(sso):
    from tests.factories import UserFactory

    UserFactory(username="loner", email="loner@maraude.example")
    browser, page = through_provider(sso, "u-loner")
    assert page.status_code == 403 and signed_in_as(browser) is None
    assert sign_in_events() == [("auth.login_failed", "denied", None, "through OIDC (not staff): loner")]


def test_an_account_stopped_by_wrong_passwords_is_stopped_through_the_provider_too(sso, settings):
    worker = make_member(sso["team"], username="camille", email="camille@maraude.example")
    for _ in range(settings.RELAIS_LOGIN_ACCOUNT_LIMIT):
        sign_in_limits.note_failure("camille", None)
    browser, page = through_provider(sso, "u-camille")
    assert page.status_code == 429 and signed_in_as(browser) is None
    assert sign_in_events() == [
        ("auth.login_failed", "denied", None, "through OIDC, stopped (account): camille")
    ]
    sign_in_limits.clear("camille")
    browser, page = through_provider(sso, "u-camille")
    assert signed_in_as(browser) == worker


def test_a_manager_signs_in_and_no_account_changes(sso):
    from tests.factories import UserFactory

    manager = UserFactory(username="direction", email="direction@maraude.example", is_manager=True)
    before = list(User.objects.order_by("pk").values())
    browser, page = through_provider(sso, "u-direction")
    assert signed_in_as(browser) == manager and page.url.startswith(sso["site"] + "/admin/")
    after = [{**row, "last_login": None} for row in User.objects.order_by("pk").values()]
    assert after == [{**row, "last_login": None} for row in before]


def test_a_callback_with_no_sign_in_under_way_is_refused_and_recorded(sso):
    page = requests.get(sso["site"] + "/login/oidc/callback/?code=forged&state=forged", timeout=20)
    assert page.status_code == 403
    assert sign_in_events() == [("auth.login_failed", "denied", None, "through OIDC (failed): ")]


def test_a_code_is_used_once(sso):
    """The provider's redirect replayed (a code stolen from a log, say) opens nothing a second time."""
    worker = make_member(sso["team"], username="camille", email="camille@maraude.example")
    browser, page = through_provider(sso, "u-camille")
    callback = next(
        r.headers["Location"]
        for r in page.history
        if "/login/oidc/callback/" in r.headers.get("Location", "")
    )
    assert signed_in_as(browser) == worker
    replay = requests.get(callback if callback.startswith("http") else sso["site"] + callback, timeout=20)
    assert replay.status_code == 403
    assert sign_in_events()[-1] == ("auth.login_failed", "denied", None, "through OIDC (failed): ")


@pytest.mark.parametrize(
    "trusted,subject,by_provider",
    [(False, "u-lea-mfa", False), (True, "u-lea-mfa", True), (True, "u-lea-pwd", False)],
)
def test_the_providers_second_factor_stands_for_ours_only_when_trusted_and_used(
    sso, settings, trusted, subject, by_provider
):
    """Off by default: the local second factor follows every sign-in through the provider. Trusted,
    it is skipped only when the ID token says the provider asked for more than one factor."""
    settings.RELAIS_OIDC_TRUST_SECOND_FACTOR = trusted
    lea = make_member(sso["team"], username="lea", email="lea@maraude.example")
    browser, _ = through_provider(sso, subject, with_methods=True)
    assert signed_in_as(browser) == lea
    session = SessionStore(session_key=browser.cookies["sessionid"])
    assert session[oidc.SECOND_FACTOR_BY_PROVIDER] is by_provider


def test_the_local_second_factor_follows_a_sign_in_through_the_provider(sso, settings):
    """Required here and not vouched for by the provider: the worker is signed in by nobody until
    the second step; the record says the provider's part was done and the second step asked."""
    settings.RELAIS_MFA_REQUIRED = True
    lea = make_member(sso["team"], username="lea", email="lea@maraude.example")
    browser, page = through_provider(sso, "u-lea-pwd", with_methods=True)
    assert page.url == sso["site"] + "/login/enrol/"
    assert signed_in_as(browser) is None
    assert sign_in_events()[-1] == (
        "auth.password",
        "allowed",
        lea.pk,
        "through OIDC, first time: identity linked; second step asked",
    )


def test_a_trusted_providers_second_factor_signs_in_without_the_local_one(sso, settings):
    settings.RELAIS_MFA_REQUIRED = True
    settings.RELAIS_OIDC_TRUST_SECOND_FACTOR = True
    lea = make_member(sso["team"], username="lea", email="lea@maraude.example")
    browser, _ = through_provider(sso, "u-lea-mfa", with_methods=True)
    assert signed_in_as(browser) == lea
