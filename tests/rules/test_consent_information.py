"""R7 (issue 24): each consent records what the person was told (the versioned text, its language and
reading level) and the legal basis of the processing; the receipt signs both, the portal and the
export show them, the person can read the exact words again, and nothing is recorded without them."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from audit.models import AccessEvent
from consent.information import texts
from consent.models import Consent, InformationText, LegalBasis, Receipt
from core import signing
from tests.factories import give_consent, information_text, informed, make_portal_account


def consent_url(person):
    return f"/api/v1/persons/{person.pk}/consents/"


def body(team, **extra):
    return {"team": team.pk, "categories": ["housing"], "purpose": "Continuité", "method": "oral", **extra}


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


def test_the_api_refuses_a_consent_without_information_or_legal_basis(api, person, team, worker):
    response = api.as_(worker).post(consent_url(person), body(team), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"information", "legal_basis"}
    assert not Consent.objects.exists() and not Receipt.objects.exists()


def test_the_api_refuses_an_unknown_text_or_basis_on_its_field(api, person, team, worker):
    unknown_text = api.as_(worker).post(
        consent_url(person), body(team, **informed(information=987654)), format="json"
    )
    assert unknown_text.status_code == 400 and set(unknown_text.json()) == {"information"}
    unknown_basis = api.as_(worker).post(
        consent_url(person), body(team, **informed(legal_basis="art_6_1_f")), format="json"
    )
    assert unknown_basis.status_code == 400 and set(unknown_basis.json()) == {"legal_basis"}
    assert not Consent.objects.exists()


def test_the_form_refuses_a_consent_without_information_or_legal_basis(web, person, team, worker):
    url = f"/persons/{person.pk}/consents/new/"
    response = web.as_(worker).post(
        url, {"team": team.pk, "categories": ["housing"], "purpose": "x", "method": "oral"}
    )
    assert response.status_code == 400 and not Consent.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"information", "legal_basis"}


def test_the_form_offers_each_current_text_and_records_the_one_chosen(web, person, team, worker):
    easy = information_text("fr", easy_read=True)
    page = web.as_(worker).get(f"/persons/{person.pk}/consents/new/").content.decode()
    assert "Vos informations dans Relais (facile à lire)" in page and "Your information in Relais" in page
    form = {"team": team.pk, "categories": ["housing"], "purpose": "x", "method": "oral"}
    response = web.post(
        f"/persons/{person.pk}/consents/new/",
        {**form, **informed(information=easy.pk, legal_basis="casf_l121_6_2")},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.information, consent.legal_basis) == (easy, LegalBasis.CASF_L121_6_2)


def test_the_receipt_signs_the_text_given_and_the_legal_basis(api, person, team, worker):
    text = information_text("en")
    consent = give_consent(
        person, team, ["housing"], by=worker, information=text.pk, legal_basis="casf_l121_6_2"
    )
    receipt = api.as_(worker).get(f"/api/v1/consents/{consent.pk}/receipt/").json()
    payload, key = receipt["payload"], signing.receipt_public_key()
    assert payload["information"] == {
        "id": text.pk,
        "version": "1",
        "language": "en",
        "easy_read": False,
        "title": "Your information in Relais",
        "sha256": hashlib.sha256(text.body.encode()).hexdigest(),
    }
    assert payload["legal_basis"] == "casf_l121_6_2"
    assert signing.verify(payload, receipt["signature"], key)
    assert not signing.verify(dict(payload, legal_basis="csp_l1110_4"), receipt["signature"], key)
    other = dict(payload["information"], version="2")
    assert not signing.verify(dict(payload, information=other), receipt["signature"], key)


def test_the_withdrawal_receipt_names_them_too(api, person, team, worker):
    consent = give_consent(person, team, ["housing"], by=worker)
    api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    withdrawn = json.loads(Receipt.objects.get(event="withdrawn").payload)
    assert (
        withdrawn["information"]["id"] == information_text().pk and withdrawn["legal_basis"] == "csp_l1110_4"
    )


def test_the_receipt_page_shows_the_text_with_a_link_and_the_basis(web, person, team, worker):
    consent = give_consent(person, team, ["housing"], by=worker)
    page = web.as_(worker).get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert f'href="/information/{information_text().pk}/"' in page
    assert "Vos informations dans Relais" in page and "version 1" in page
    assert "L.1110-4" in page


def test_the_person_reads_again_the_exact_words_they_were_given(web, person, team, worker, jo):
    easy = information_text("fr", easy_read=True)
    give_consent(person, team, ["housing"], by=worker, information=easy.pk)
    home = web.as_(jo).get("/portal/").content.decode()
    assert f'href="/information/{easy.pk}/"' in home and "Ce qu'on vous a dit" in home
    text = web.get(f"/information/{easy.pk}/").content.decode()
    assert "Une équipe lit les notes seulement si vous êtes d&#x27;accord." in text


def test_a_new_version_leaves_what_earlier_consents_name_unchanged(web, person, team, worker, jo):
    first = information_text()
    consent = give_consent(person, team, ["housing"], by=worker)
    newer = texts.publish(
        version="2", language="fr", easy_read=False, title="Vos informations", body="Nouveau."
    )
    assert texts.current_text("fr") == newer
    consent.refresh_from_db()
    assert consent.information == first and InformationText.objects.get(pk=first.pk).body == first.body
    old_page = web.get(f"/information/{first.pk}/").content.decode()
    assert f'href="/information/{newer.pk}/"' in old_page  # it says a newer text is given now
    event = AccessEvent.objects.get(action="information.publish")
    assert event.object_ids == [newer.pk]


def test_a_version_once_published_is_never_rewritten(db):
    information_text()
    with pytest.raises(CommandError, match="déjà publiée"):
        call_command("publish_information", __file__, "--text-version", "1", "--language", "fr")
    assert InformationText.objects.filter(version="1", language="fr", easy_read=False).count() == 1


def test_the_publish_command_adds_a_version_from_a_file(db, tmp_path):
    source = tmp_path / "v2.txt"
    source.write_text("Vos informations (v2)\nLe texte, ligne par ligne.\n", encoding="utf-8")
    call_command("publish_information", str(source), "--text-version", "2", "--language", "fr", "--easy-read")
    text = InformationText.objects.get(version="2")
    assert (text.title, text.body, text.easy_read) == (
        "Vos informations (v2)",
        "Le texte, ligne par ligne.",
        True,
    )


def test_the_portal_records_the_text_it_showed_and_the_teams_basis(api, web, person, team, worker, jo):
    give_consent(person, team, ["contact"], by=worker, legal_basis="casf_l121_6_2")
    easy = information_text("fr", easy_read=True)
    response = web.as_(jo).post(
        "/portal/share/", {"team": team.pk, "category": "housing", "share": "yes", "information": easy.pk}
    )
    assert response.status_code == 302
    latest = Consent.objects.order_by("-id").first()
    assert (latest.method, latest.information, latest.legal_basis) == ("portal", easy, "casf_l121_6_2")


def test_a_consent_given_first_in_the_portal_takes_the_deployments_basis(api, person, team, jo, settings):
    settings.RELAIS_LEGAL_BASIS = "casf_l121_6_2"
    response = api.as_(jo).post(
        "/api/v1/portal/consents/",
        {"team": team.pk, "categories": ["housing"], "information": information_text("en").pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["legal_basis"] == "casf_l121_6_2"
    assert response.json()["information"]["language"] == "en"


def test_the_portal_api_refuses_a_consent_without_the_text_shown(api, person, team, jo):
    response = api.as_(jo).post(
        "/api/v1/portal/consents/", {"team": team.pk, "categories": ["housing"]}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"information"}
    assert not Consent.objects.exists()


def test_the_export_holds_the_basis_and_the_exact_text(api, person, team, worker, jo):
    give_consent(person, team, ["housing"], by=worker)
    export = api.as_(jo).get("/api/v1/portal/export/").json()
    [consent] = export["consents"]
    assert consent["legal_basis"] == "csp_l1110_4" and consent["before_information"] is False
    [text] = export["information_texts"]
    assert text["id"] == consent["information"]["id"] and text["body"] == information_text().body


def test_the_database_refuses_a_consent_neither_informed_nor_marked_as_older(person, team, worker):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(person=person, team=team, purpose="x", method="oral", recorded_by=worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            person=person,
            team=team,
            purpose="x",
            method="oral",
            recorded_by=worker,
            before_information=True,
            information=information_text(),
            legal_basis="csp_l1110_4",
        )


def test_a_consent_recorded_before_says_so_and_claims_nothing(api, web, person, team, worker, jo):
    consent = give_consent(person, team, ["housing"], by=worker)
    # What the migration made of every consent already recorded: marked, with no text and no basis.
    Consent.objects.filter(pk=consent.pk).update(before_information=True, information=None, legal_basis="")
    read = api.as_(jo).get("/api/v1/portal/consents/").json()["results"][0]
    assert (read["before_information"], read["information"], read["legal_basis"]) == (True, None, None)
    home = web.as_(jo).get("/portal/").content.decode()
    assert "avant que Relais ne garde" in home
