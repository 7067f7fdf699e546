"""The second factor of staff accounts: required where the deployment says so, asked at every sign-in
once enrolled (pages and API tokens), its failures counted toward the lock-out and recorded, and the
recovery that a manager starts but only the account's holder can complete (issue 19, attack 3)."""

from binascii import unhexlify

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent
from teams import recovery
from teams.models import AccountCode, User
from tests.factories import PASSWORD, UserFactory, make_portal_account

# Second-factor pages and their sign-in steps, over the services: one database is enough.
pytestmark = pytest.mark.any_database

NEW_PASSWORD = "un tout nouveau mot de passe"


def now_code(key: str, shift: int = 0) -> str:
    totp = TOTP(unhexlify(key))
    totp.time = totp.time + shift * 30
    return f"{totp.token():06d}"


def enrolled(user, key="3132333435363738393031323334353637383930"):
    TOTPDevice.objects.create(user=user, name="totp", key=key, confirmed=True)
    return key


def actions_since(mark):
    return [(e.action, e.outcome) for e in AccessEvent.objects.filter(id__gt=mark).order_by("id")]


def mark():
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_right_password_alone_signs_nobody_in_when_a_factor_is_enrolled(web, worker):
    enrolled(worker)
    response = web.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/factor/"
    assert web.get("/persons/").status_code == 302  # not signed in yet
    assert AccessEvent.objects.filter(action="auth.password", actor_id=worker.pk).exists()
    assert not AccessEvent.objects.filter(action="auth.login").exists()


def test_a_totp_completes_the_sign_in_and_is_recorded_as_how(web, worker):
    key = enrolled(worker)
    web.post("/login/", {"username": worker.username, "password": PASSWORD})
    response = web.post("/login/factor/", {"code": now_code(key)})
    assert response.status_code == 302
    assert web.get("/persons/").status_code == 200
    login = AccessEvent.objects.get(action="auth.login")
    assert login.actor_id == worker.pk and login.data["reason"] == "totp"


def test_a_totp_is_accepted_once(web, worker):
    key = enrolled(worker)
    code = now_code(key)
    web.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert web.post("/login/factor/", {"code": code}).status_code == 302
    other = type(web)()
    other.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert other.post("/login/factor/", {"code": code}).status_code == 400


def test_a_wrong_factor_is_recorded_and_counts_toward_the_lock_out(web, worker, settings):
    enrolled(worker)
    web.post("/login/", {"username": worker.username, "password": PASSWORD})
    before = mark()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = web.post("/login/factor/", {"code": "000000"})
    assert response.status_code in (400, 429)
    failures = AccessEvent.objects.filter(id__gt=before, action="auth.login_failed")
    assert failures.count() >= settings.AXES_FAILURE_LIMIT - 1
    assert "second factor" in failures.first().data["reason"]
    # Locked out now: even the right password is refused for a while.
    again = type(web)().post("/login/", {"username": worker.username, "password": PASSWORD})
    assert again.status_code in (403, 429)


def test_a_staff_account_enrols_at_its_first_sign_in_where_required_and_keeps_its_recovery_codes(
    web, worker, settings
):
    settings.RELAIS_MFA_REQUIRED = True
    response = web.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert response["Location"] == "/login/enrol/"
    web.get("/login/enrol/")
    key = web.session["relais_totp_key"]
    before = mark()
    page = web.post("/login/enrol/", {"code": now_code(key)})
    assert page.status_code == 200
    codes = page.context["codes"]
    assert len(codes) == 10
    assert actions_since(before) == [
        ("mfa.enrol", "allowed"),
        ("mfa.recovery_codes", "allowed"),
        ("auth.login", "allowed"),
    ]
    assert web.get("/persons/").status_code == 200
    # A recovery code stands in for the factor, once; only its hash is stored.
    assert not any(
        code.replace("-", "") in str(t)
        for t in worker.staticdevice_set.get().token_set.all()
        for code in codes
    )
    other = type(web)()
    other.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert other.post("/login/factor/", {"code": codes[0]}).status_code == 302
    assert AccessEvent.objects.filter(action="mfa.recovery_code_use", actor_id=worker.pk).count() == 1
    third = type(web)()
    third.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert third.post("/login/factor/", {"code": codes[0]}).status_code == 400


def test_a_person_is_never_asked_to_enrol(web, person, settings):
    settings.RELAIS_MFA_REQUIRED = True
    jo = make_portal_account(person, "jo")
    response = web.post("/login/", {"username": jo.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != "/login/enrol/"
    assert web.get("/portal/").status_code == 200


def test_the_api_gives_a_token_only_after_the_second_factor(api, worker):
    key = enrolled(worker)
    without = api.post("/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD})
    assert without.status_code == 400 and "otp" in without.json()
    wrong = api.post(
        "/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD, "otp": "123456"}
    )
    assert wrong.status_code == 400 and "token" not in wrong.json()
    assert AccessEvent.objects.filter(action="auth.login_failed", actor_id=worker.pk).count() == 1
    right = api.post(
        "/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD, "otp": now_code(key)}
    )
    assert right.status_code == 200 and right.json()["token"]


def test_the_api_gives_no_token_to_an_account_that_must_enrol_first(api, worker, settings):
    settings.RELAIS_MFA_REQUIRED = True
    response = api.post("/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD})
    assert response.status_code == 400 and "otp" in response.json()


# Attack 3: a manager becomes a worker --------------------------------------------------------------


@pytest.mark.parametrize("required", [True, False])
def test_a_password_set_by_a_manager_does_not_let_the_manager_sign_in_as_the_worker(
    web, api, worker, settings, required
):
    """The manager sets the worker's password in the administration, then signs in with it: no
    session, no token, whether the worker enrolled a factor or one is required."""
    settings.RELAIS_MFA_REQUIRED = required
    if not required:
        enrolled(worker)
    manager = UserFactory(is_manager=True, is_staff=True)
    web.as_(manager).post(
        f"/admin/teams/user/{worker.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    web.logout()
    web.post("/login/", {"username": worker.username, "password": NEW_PASSWORD})
    # Nor can the manager enrol a factor of their own for the worker, or pass the worker's.
    web.get("/login/enrol/")
    web.post("/login/enrol/", {"code": "123456"})
    web.post("/login/factor/", {"code": "123456"})
    assert web.get("/persons/").status_code == 302
    assert "_auth_user_id" not in web.session
    token = api.post("/api/v1/auth/token/", {"username": worker.username, "password": NEW_PASSWORD})
    assert token.status_code == 400 and "token" not in token.json()
    assert not AccessEvent.objects.filter(action="auth.login", actor_id=worker.pk).exists()
    worker.refresh_from_db()
    assert not worker.check_password(NEW_PASSWORD)  # the administration's form set nothing (R10)


def test_a_recovery_code_made_by_a_manager_does_not_open_the_account_without_the_workers_factor(api, worker):
    enrolled(worker)
    manager = UserFactory(is_manager=True)
    answer = api.as_(manager).post(f"/api/v1/users/{worker.pk}/recovery/", {"lost": "password"})
    assert answer.status_code == 200 and answer.json()["code"]  # no e-mail: shown to the manager
    api.force_authenticate(None)
    attempt = api.post(
        "/api/v1/auth/account-code/",
        {"username": worker.username, "code": answer.json()["code"], "password": NEW_PASSWORD},
    )
    assert attempt.status_code == 400
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)
    failure = AccessEvent.objects.filter(action="auth.login_failed").last()
    assert failure.actor_id == worker.pk and "second factor" in failure.data["reason"]


def test_the_worker_completes_a_lost_password_recovery_with_their_factor(api, worker):
    key = enrolled(worker)
    manager = UserFactory(is_manager=True)
    code = recovery.start_recovery(by=manager, user=worker, lost="password").code
    opened = api.post(
        "/api/v1/auth/account-code/",
        {"username": worker.username, "code": code, "password": NEW_PASSWORD, "otp": now_code(key)},
    )
    assert opened.status_code == 204
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
    event = AccessEvent.objects.get(action="account.open")
    assert event.actor_id == worker.pk and f"made by account {manager.pk}" in event.data["reason"]
    assert NEW_PASSWORD not in event.body and code not in event.body


def test_a_lost_factor_is_replaced_at_the_next_sign_in_with_the_password(web, worker):
    enrolled(worker)
    manager = UserFactory(is_manager=True)
    recovery.start_recovery(by=manager, user=worker, lost="factor")
    assert AccessEvent.objects.get(action="mfa.reset").actor_id == manager.pk
    response = web.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert response["Location"] == "/login/enrol/"
    web.get("/login/enrol/")
    key = web.session["relais_totp_key"]
    assert web.post("/login/enrol/", {"code": now_code(key)}).status_code == 200
    assert TOTPDevice.objects.filter(user=worker).get().key == key  # the lost one is gone
    worker.refresh_from_db()
    assert not worker.factor_reset_required


def test_without_a_factor_or_an_e_mail_nobody_can_recover_an_account(api, worker):
    manager = UserFactory(is_manager=True)
    for lost in ("password", "both"):
        response = api.as_(manager).post(f"/api/v1/users/{worker.pk}/recovery/", {"lost": lost})
        assert response.status_code == 400 and "deactivate" in response.json()["lost"][0]
    assert not AccountCode.objects.exists()


def test_a_code_for_a_lost_factor_and_password_goes_to_the_accounts_e_mail_only(
    api, worker, django_capture_on_commit_callbacks
):
    enrolled(worker)
    worker.email = "camille@example.org"
    worker.save()
    manager = UserFactory(is_manager=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(manager).post(f"/api/v1/users/{worker.pk}/recovery/", {"lost": "both"})
    assert response.json() == {**response.json(), "code": None, "emailed": True}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["camille@example.org"]


def test_a_new_account_gets_a_setup_code_and_its_holder_chooses_the_password(api, web, db):
    manager = UserFactory(is_manager=True)
    created = api.as_(manager).post("/api/v1/users/", {"username": "amina"})
    assert created.status_code == 201
    code = created.json()["setup_code"]
    amina = User.objects.get(username="amina")
    assert not amina.has_usable_password()
    response = web.post(
        "/account/code/",
        {"username": "amina", "code": code, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert web.post("/login/", {"username": "amina", "password": NEW_PASSWORD}).status_code == 302
    assert AccessEvent.objects.filter(action="account.code", actor_id=manager.pk).count() == 1


def test_a_new_account_with_an_e_mail_gets_its_code_there_and_the_manager_never_sees_it(
    api, db, django_capture_on_commit_callbacks
):
    manager = UserFactory(is_manager=True)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.as_(manager).post("/api/v1/users/", {"username": "amina", "email": "amina@example.org"})
    assert created.json()["setup_code"] is None and created.json()["setup_code_emailed"] is True
    assert mail.outbox[0].to == ["amina@example.org"]


def test_after_a_reset_by_someone_else_the_holder_chooses_a_new_password_at_sign_in(web, worker):
    # What any password given by someone else leaves behind (``accounts.set_password`` sets it).
    worker.set_password(NEW_PASSWORD)
    worker.password_change_required = True
    worker.save()
    response = web.post("/login/", {"username": worker.username, "password": NEW_PASSWORD})
    assert response["Location"] == "/login/password/"
    chosen = "mon propre mot de passe à moi"
    response = web.post("/login/password/", {"new_password1": chosen, "new_password2": chosen})
    assert response.status_code == 302 and web.get("/persons/").status_code == 200
    worker.refresh_from_db()
    assert worker.check_password(chosen) and not worker.password_change_required


# The holder's own page, and the administration ------------------------------------------------------


def test_the_security_page_is_in_everyones_menu_with_the_password_page(web, worker, person):
    for user in (worker, make_portal_account(person, "jo")):
        page = web.as_(user).get("/persons/" if user is worker else "/portal/").content.decode()
        assert 'href="/me/security/"' in page and 'href="/password/"' in page
        assert web.get("/me/security/").status_code == 200


def test_a_worker_adds_a_totp_on_their_page_and_gets_recovery_codes(web, worker):
    web.as_(worker).get("/me/security/")
    key = web.session["relais_totp_key"]
    page = web.post("/me/security/add/", {"code": now_code(key)})
    assert page.status_code == 200 and len(page.context["codes"]) == 10
    assert TOTPDevice.objects.filter(user=worker, confirmed=True).count() == 1


def test_the_only_factor_cannot_be_removed_where_one_is_required(web, worker, settings):
    enrolled(worker)
    settings.RELAIS_MFA_REQUIRED = True
    assert web.as_(worker).post("/me/security/totp/remove/").status_code == 400
    assert TOTPDevice.objects.filter(user=worker).exists()
    settings.RELAIS_MFA_REQUIRED = False
    assert web.post("/me/security/totp/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert AccessEvent.objects.filter(action="mfa.remove", actor_id=worker.pk).count() == 1


def test_new_recovery_codes_replace_the_old_ones(web, worker):
    enrolled(worker)
    first = web.as_(worker).post("/me/security/recovery-codes/").context["codes"]
    second = web.post("/me/security/recovery-codes/").context["codes"]
    assert set(first).isdisjoint(second)
    assert factors_check(worker, first[0]) is None and factors_check(worker, second[0]) == "recovery code"


def factors_check(user, code):
    from teams import factors

    return factors.check_code(user, code)


def test_a_manager_starts_a_recovery_in_the_administration_and_sees_the_code_once(web, worker):
    enrolled(worker)
    manager = UserFactory(is_manager=True, is_staff=True)
    page = web.as_(manager).post(f"/admin/teams/user/{worker.pk}/recovery/", {"lost": "password"})
    assert page.status_code == 200
    code = page.context["issued"].code
    assert code in page.content.decode()
    assert AccountCode.objects.get(user=worker).code_hash != code  # kept as a hash only
    refused = web.post(f"/admin/teams/user/{manager.pk}/recovery/", {"lost": "both"})
    assert refused.status_code == 400 and "désactivez-le" in refused.content.decode()


def test_a_manager_makes_an_account_in_the_administration_without_a_password(web, db):
    manager = UserFactory(is_manager=True, is_staff=True)
    response = web.as_(manager).post("/admin/teams/user/add/", {"username": "amina"}, follow=True)
    assert response.status_code == 200
    amina = User.objects.get(username="amina")
    assert not amina.has_usable_password()
    shown = [str(m) for m in response.context["messages"]]
    assert any("amina" not in m and "/account/code/" in m for m in shown)


def test_each_step_of_a_sign_in_writes_exactly_its_events(web, worker):
    """The completeness tests ask these pages with no sign-in pending; here one is."""
    key = enrolled(worker)
    worker.password_change_required = True
    worker.save()
    chosen = "mon propre mot de passe à moi"
    calls = [
        ("/login/", {"username": worker.username, "password": PASSWORD}),
        ("/login/factor/", {"code": "000000"}),
        ("/login/factor/", {"code": now_code(key)}),
        ("/login/password/", {"new_password1": chosen, "new_password2": chosen}),
    ]
    found = []
    for url, body in calls:
        before = mark()
        found.append((web.post(url, body).status_code, actions_since(before)))
    assert found == [
        (302, [("auth.password", "allowed")]),
        (400, [("auth.login_failed", "denied")]),
        (302, []),  # the factor is right; a step remains: nobody is signed in yet
        (302, [("account.update", "allowed"), ("auth.login", "allowed")]),
    ]
    assert AccessEvent.objects.get(action="auth.login").data["reason"] == "totp, new password"


@pytest.mark.parametrize(
    "environment,expected",
    [
        ({"RELAIS_ENV": "production"}, True),
        ({"RELAIS_ENV": "development"}, False),
        ({"RELAIS_ENV": "production", "RELAIS_MFA_REQUIRED": "false"}, False),
        ({"RELAIS_ENV": "development", "RELAIS_MFA_REQUIRED": "true"}, True),
    ],
)
def test_a_second_factor_is_required_by_default_in_production_only(tmp_path, environment, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    keys = {
        "SECRET_KEY": "x" * 50,
        "RELAIS_FIELD_KEYS": "k1:" + "A" * 43 + "=",
        "RELAIS_AUDIT_KEY": "B" * 43 + "=",
        "RELAIS_SIGNING_KEY": "C" * 43 + "=",
        "RELAIS_CHECKPOINT_PUBLIC_KEY": "D" * 43 + "=",
    }
    env = {k: v for k, v in os.environ.items() if k != "RELAIS_MFA_REQUIRED"}
    env |= keys | environment | {"DJANGO_SETTINGS_MODULE": "relais.settings", "RELAIS_VAR_DIR": str(tmp_path)}
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.RELAIS_MFA_REQUIRED)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(expected)
