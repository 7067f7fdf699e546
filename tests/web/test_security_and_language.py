"""Across the interface: security headers, production settings, the language switch, and pages with
no untranslated string in French or in English."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.factories import give_consent, make_portal_account

# Headers, settings and the pages' language: one database is enough.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]


def text_of(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_pages_carry_a_strict_content_security_policy(web, worker):
    response = web.as_(worker).get("/persons/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and response["X-Frame-Options"] == "DENY"


def test_production_settings_secure_cookies_and_sessions(tmp_path):
    keys = {
        "SECRET_KEY": "x" * 50,
        "RELAIS_FIELD_KEYS": "k1:" + "A" * 43 + "=",
        "RELAIS_AUDIT_KEY": "B" * 43 + "=",
        "RELAIS_SIGNING_KEY": "C" * 43 + "=",
        "RELAIS_CHECKPOINT_PUBLIC_KEY": "D" * 43 + "=",
    }
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_AGE, s.SECURE_HSTS_SECONDS > 0]))"
    )
    env = {**os.environ, **keys, "RELAIS_ENV": "production", "DJANGO_SETTINGS_MODULE": "relais.settings"}
    env["RELAIS_VAR_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [False, True, True, True, True, 8 * 3600, True]


def test_the_language_switch_turns_the_interface_to_english(web, worker):
    web.as_(worker)
    assert "Mes personnes" in text_of(web.get("/persons/"))
    web.post("/i18n/setlang/", {"language": "en", "next": "/persons/"})
    page = text_of(web.get("/persons/"))
    assert "My persons" in page and "Mes personnes" not in page


def _catalogue_pairs():
    pairs = []
    for entry in polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po")):
        if entry.msgid_plural or entry.obsolete or "%" in entry.msgid:
            continue
        if entry.msgstr and entry.msgstr != entry.msgid and len(entry.msgid) >= 14:
            pairs.append((entry.msgid, entry.msgstr))
    return pairs


@pytest.fixture
def pages(shared, person, worker, auditor):
    consent, _ = shared
    jo = make_portal_account(person, "jo")
    give_consent(person, consent.team, ["housing"], by=worker)
    return [
        (
            worker,
            [
                "/persons/",
                f"/persons/{person.pk}/",
                "/persons/new/",
                f"/persons/{person.pk}/consents/new/",
                f"/consents/{consent.pk}/receipt/",
                f"/consents/{consent.pk}/withdraw/",
                "/commitment/",
            ],
        ),
        (jo, ["/portal/", "/portal/journal/", "/portal/receipts/", "/portal/print/"]),
        (auditor, ["/audit/", "/audit/integrity/"]),
        (None, ["/login/", "/portal/activate/", "/persons/999999/"]),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_page_shows_an_untranslated_string(web, pages, language):
    pairs = _catalogue_pairs()
    for user, urls in pages:
        if user is not None:
            web.as_(user)
        else:
            web.logout()
        for url in urls:
            text = " ".join(text_of(web.get(url, HTTP_ACCEPT_LANGUAGE=language)).split())
            for english, french in pairs:
                stray = english if language == "fr" else french
                assert stray not in text, (language, url, stray)


def test_the_api_documentation_is_left_out_of_the_policy_for_its_inline_start_script(web, db):
    response = web.get("/api/docs/")
    assert response.status_code == 200 and "Content-Security-Policy" not in response


def test_the_menus_roles_read_with_the_user_are_those_roles_of_finds(team, worker, person, auditor):
    """``teams.backends.UserBackend`` reads the menu's two facts with the user: the roles they give
    must be those ``roles_of`` finds on its own, for a member, a person and an auditor."""
    from teams.backends import UserBackend
    from teams.models import User
    from teams.selectors import roles_of
    from tests.factories import make_portal_account

    own = make_portal_account(person)
    for user in (worker, own, auditor):
        signed_in = UserBackend().get_user(user.pk)
        assert signed_in is not None and hasattr(signed_in, "menu_member")
        assert roles_of(signed_in) == roles_of(User.objects.get(pk=user.pk))
    assert roles_of(UserBackend().get_user(worker.pk)) == ["member"]
    assert roles_of(UserBackend().get_user(own.pk)) == ["person"]
    assert roles_of(UserBackend().get_user(auditor.pk)) == ["auditor"]


def test_pages_and_answers_with_persons_data_are_never_stored(web, api, worker, person):
    page = web.as_(worker).get(f"/persons/{person.pk}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    answer = api.as_(worker).get(f"/api/v1/persons/{person.pk}/")
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]


def test_the_emergency_access_confirmation_tells_its_end_in_the_deployments_time(web, worker, team, person):
    import datetime

    from django.contrib.messages import get_messages
    from django.utils import timezone as tz

    from consent.models import GlassBreak

    body = {
        "team": team.pk,
        "categories": ["housing"],
        "reason": "cannot_be_asked",
        "statement": "Injoignable.",
    }
    answer = web.as_(worker).post(f"/persons/{person.pk}/emergency/", {**body, "hours": 4})
    assert answer.status_code == 302, answer.content
    end = tz.localtime(GlassBreak.objects.get().ends_at)
    said = " ".join(str(m) for m in get_messages(answer.wsgi_request))
    assert end.strftime("%H:%M").lstrip("0") in said.replace(" h ", ":") or f"{end:%H:%M}" in said, said
    utc = GlassBreak.objects.get().ends_at.astimezone(datetime.UTC)
    assert f"{utc:%H:%M}" not in said
