"""The scan of a signed consent form, or of a signed withdrawal, belongs to the consent: whoever may
see the consent downloads it, and the download is recorded; anyone else, and a consent without one,
get the recorded 404 of what does not exist (R9). The form and the withdrawal are each their own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AccessEvent
from consent.consents.evidence import EvidenceFile
from tests.factories import give_consent, make_member, make_team

FORM = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24 + b"form"
WITHDRAWAL = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24 + b"withdrawal"
MISSING = 2**31 - 2


@pytest.fixture
def scanned(person, team, worker):
    """Jo's consent to Maraude Nord, given in writing: the signed form is scanned."""
    return give_consent(
        person, team, ["housing"], by=worker, method="written", evidence=EvidenceFile("form.png", FORM)
    )


def evidence_events(user):
    return [
        (e.action, e.outcome, e.person_id, e.object_ids)
        for e in AccessEvent.objects.filter(actor_id=user.pk, action="consent.consents.evidence").order_by(
            "id"
        )
    ]


def test_a_member_of_the_team_downloads_the_signed_form_and_it_is_recorded(web, person, scanned, colleague):
    download = web.as_(colleague).get(f"/consents/{scanned.pk}/evidence/")
    assert download.status_code == 200 and download.content == FORM
    assert "no-store" in download["Cache-Control"]
    assert evidence_events(colleague) == [("consent.consents.evidence", "allowed", person.pk, [scanned.pk])]


def test_a_team_that_does_not_follow_gets_the_404_of_a_missing_consent(web, person, scanned):
    stranger = make_member(make_team("Ailleurs"))
    client = web.as_(stranger)
    found, missing = (
        client.get(f"/consents/{scanned.pk}/evidence/"),
        client.get(f"/consents/{MISSING}/evidence/"),
    )
    assert found.status_code == missing.status_code == 404 and FORM not in found.content
    assert [outcome for _a, outcome, _p, _o in evidence_events(stranger)] == ["denied", "denied"]


def test_a_consent_without_a_scan_is_a_recorded_404(web, person, team, worker):
    oral = give_consent(person, team, ["housing"], by=worker)
    response = web.as_(worker).get(f"/consents/{oral.pk}/evidence/")
    assert response.status_code == 404
    assert evidence_events(worker) == [("consent.consents.evidence", "denied", None, [oral.pk])]
    refused = AccessEvent.objects.get(actor_id=worker.pk, action="consent.consents.evidence")
    assert (refused.object_type, refused.reason) == ("consent", "Hidden")


def test_the_withdrawals_scan_is_its_own_and_the_forms_stays_the_forms(web, person, scanned, worker):
    client = web.as_(worker)
    assert client.get(f"/consents/{scanned.pk}/evidence/?event=withdrawn").status_code == 404  # not withdrawn
    withdrawn = client.post(
        f"/consents/{scanned.pk}/withdraw/",
        {
            "method": "written",
            "evidence": SimpleUploadedFile("retrait.png", WITHDRAWAL, content_type="image/png"),
        },
    )
    assert withdrawn.status_code == 302
    assert client.get(f"/consents/{scanned.pk}/evidence/?event=withdrawn").content == WITHDRAWAL
    assert client.get(f"/consents/{scanned.pk}/evidence/").content == FORM
