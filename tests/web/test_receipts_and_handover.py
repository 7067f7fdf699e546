"""Issue 21, item 15: receipts lead back to the person and word "oral" one way; a withdrawal keeps
its signed paper like a consent does; the handover tells each team's consent once, with its time
and author."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from audit.models import AccessEvent
from consent.models import Consent, Method, Withdrawal, WithdrawalEvidence
from tests.factories import give_consent, make_portal_account
from tests.web.test_worker_pages import PNG

# Receipts and the handover, rendered from the services' answers (the rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database


def test_a_workers_receipt_links_back_to_the_person(web, worker, person, team):
    consent = give_consent(person, team, ["housing"], by=worker)
    page = web.as_(worker).get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert f'href="/persons/{person.pk}/"' in page


def test_the_persons_receipt_links_back_to_their_receipts(web, worker, person, team):
    consent = give_consent(person, team, ["housing"], by=worker)
    account = make_portal_account(person)
    page = web.as_(account).get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert 'href="/portal/receipts/"' in page
    assert f'href="/persons/{person.pk}/"' not in page


def test_oral_is_worded_the_same_on_forms_and_receipts(web, worker, person, team):
    consent = give_consent(person, team, ["housing"], by=worker, method="oral")
    label = "oralement"
    web.as_(worker)
    new = web.get(f"/persons/{person.pk}/consents/new/?team={team.pk}").content.decode()
    withdraw = web.get(f"/consents/{consent.pk}/withdraw/").content.decode()
    receipt = web.get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert f"<span>{label.capitalize()}</span>" in new
    assert f"<span>{label.capitalize()}</span>" in withdraw
    assert f"Manière : {label}" in receipt
    for page in (new, withdraw, receipt):
        assert ">Oral<" not in page and "Manière : oral<" not in page
    with translation.override("en"):
        assert str(Method.ORAL.label) == "oral"  # English: the same one label


def test_a_withdrawal_keeps_its_signed_paper_encrypted(web, worker, person, team):
    consent = give_consent(person, team, ["housing"], by=worker)
    response = web.as_(worker).post(
        f"/consents/{consent.pk}/withdraw/",
        {"method": "written", "evidence": SimpleUploadedFile("retrait.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 302
    evidence = WithdrawalEvidence.objects.get(withdrawal__consent=consent)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM consent_withdrawalevidence WHERE id = %s", [evidence.pk])
        assert cursor.fetchone()[0].startswith("v1:")
    receipt = web.get(response["Location"]).content.decode()
    assert "Télécharger le retrait signé" in receipt
    download = web.get(f"/consents/{consent.pk}/evidence/?event=withdrawn")
    assert download.content == PNG and download["Content-Type"] == "image/png"
    assert AccessEvent.objects.filter(action="consent.consents.evidence", outcome="allowed").exists()


def test_a_withdrawal_with_a_wrong_file_withdraws_nothing(web, worker, person, team):
    consent = give_consent(person, team, ["housing"], by=worker)
    response = web.as_(worker).post(
        f"/consents/{consent.pk}/withdraw/",
        {"method": "written", "evidence": SimpleUploadedFile("x.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 400 and "PDF, PNG ou JPEG" in response.content.decode()
    assert not Withdrawal.objects.exists()


def test_handover_tells_a_teams_consent_once_with_time_and_author(web, worker, colleague, person, team):
    first = give_consent(person, team, ["housing"], by=worker)
    second = give_consent(person, team, ["housing", "contact"], by=worker, replaces=first.pk)
    give_consent(person, team, ["contact"], by=colleague, replaces=second.pk)
    latest = Consent.objects.order_by("-id").first()
    page = web.as_(worker).get("/handover/").content.decode().replace("&#x27;", "'")
    assert page.count("Consentement enregistré pour Maraude Nord") == 1
    assert f"par {colleague.label}" in page
    assert timezone.localtime(latest.recorded_at).strftime("%H:%M") in page
    assert "3 changements depuis votre dernière visite" in page


def test_handover_time_is_local(web, worker, person, team, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: a UTC time would show another hour
    give_consent(person, team, ["housing"], by=worker)
    at = Consent.objects.get().recorded_at
    page = web.as_(worker).get("/handover/").content.decode()
    local = at.astimezone(timezone.get_fixed_timezone(timedelta(hours=14)))
    assert local.strftime("%H:%M") in page and at.strftime("%H:%M") not in page
