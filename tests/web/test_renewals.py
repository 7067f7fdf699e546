"""Issue "Beyond the best", §3: consents that end are renewed, not forgotten."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from consent.models import Consent, Receipt
from tests.factories import (
    CONSENT_LOCK_QUERIES,
    give_consent,
    make_note,
    make_person,
    make_portal_account,
)

# The renewals' pages render what the services answer (the rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database


def soon(days=10):
    return timezone.now() + timedelta(days=days)


@pytest.mark.every_database  # a date filter
def test_the_list_shows_consents_ending_within_30_days_and_persons_without_consent(
    web, api, team, worker, person
):
    give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    later = make_person(team, display_name="Lou")
    give_consent(later, team, ["housing"], by=worker, valid_until=soon(40))
    none = make_person(team, display_name="Sam")
    page = web.as_(worker).get("/renewals/").content.decode()
    assert person.display_name in page and "Sam" in page and "Lou" not in page
    listed = api.as_(worker).get("/api/v1/renewals/").json()
    assert [(r["person"]["id"], r["consent"] is not None) for r in listed] == [
        (person.pk, True),
        (none.pk, False),
    ]
    recorded = AccessEvent.objects.filter(action="person.list", actor_id=worker.pk)
    assert sorted(e.person_id for e in recorded) == sorted([person.pk, none.pk] * 2)


RENEWALS_QUERIES = 11 + CONSENT_LOCK_QUERIES  # the same for 10 and for 100 persons


@pytest.mark.parametrize("rows", [10, 100])
def test_the_list_pins_its_query_count(web, team, worker, rows, django_assert_num_queries):
    for i in range(rows):
        person = make_person(team)
        if i % 2:
            give_consent(person, team, ["housing"], by=worker, valid_until=soon(5))
    web.as_(worker)
    with django_assert_num_queries(RENEWALS_QUERIES):
        assert web.get("/renewals/").status_code == 200


def test_the_person_page_warns_of_a_consent_that_ends_soon(web, team, worker, person):
    give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert (
        "Le consentement pour Maraude Nord prend fin le" in page and "Le renouveler avec la personne" in page
    )


def test_the_person_renews_in_one_click_with_the_same_choices_for_a_year_and_a_receipt(
    web, team, worker, person
):
    ending = give_consent(
        person, team, ["housing", "contact"], by=worker, valid_until=soon(10), purpose="Logement"
    )
    jo = make_portal_account(person, "jo")
    home = web.as_(jo).get("/portal/").content.decode()
    assert "Votre accord avec Maraude Nord prend fin le" in home and "Renouveler mon accord" in home
    assert web.post(f"/portal/consents/{ending.pk}/renew/").status_code == 302
    renewed = Consent.objects.get(supersedes=ending)
    assert sorted(renewed.categories.values_list("code", flat=True)) == ["contact", "housing"]
    assert renewed.purpose == "Logement" and renewed.method == "portal" and renewed.recorded_by == jo
    assert abs((renewed.valid_until - renewed.recorded_at) - timedelta(days=365)) < timedelta(seconds=5)
    assert Receipt.objects.filter(consent=renewed, event="given").exists()
    before = ending.valid_until
    ending.refresh_from_db()
    assert ending.valid_until == before  # the old one is superseded, its end left exactly as it was


def test_a_consent_without_end_date_or_of_someone_else_is_not_renewed(web, api, team, worker, person):
    forever = give_consent(person, team, ["housing"], by=worker)
    jo = make_portal_account(person, "jo")
    response = api.as_(jo).post(f"/api/v1/portal/consents/{forever.pk}/renewal/")
    assert response.status_code == 400 and "consent" in response.json()
    other = make_person(team, display_name="Sam")
    theirs = give_consent(other, team, ["housing"], by=worker, valid_until=soon())
    assert api.as_(jo).post(f"/api/v1/portal/consents/{theirs.pk}/renewal/").status_code == 404  # R9
    assert Consent.objects.count() == 2


@pytest.mark.every_database  # a date filter
def test_expiry_stays_exact_to_the_second(api, team, worker, colleague, person):
    consent = give_consent(person, team, ["housing"], by=worker, valid_until=soon())
    note = make_note(person, worker, team, "housing")
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    listed = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    assert note.pk not in [n["id"] for n in listed]


def test_a_long_consent_is_renewed_for_as_long_again(api, team, worker, person):
    long = give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    Consent.objects.filter(pk=long.pk).update(recorded_at=timezone.now() - timedelta(days=720))
    jo = make_portal_account(person, "jo")
    response = api.as_(jo).post(f"/api/v1/portal/consents/{long.pk}/renewal/")
    assert response.status_code == 201
    renewed = Consent.objects.get(supersedes=long)
    assert abs((renewed.valid_until - renewed.recorded_at) - timedelta(days=730)) < timedelta(seconds=5)


def test_once_renewed_the_notice_of_the_end_says_so(web, team, worker, person):
    ending = give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    jo = make_portal_account(person, "jo")
    assert "Vous pouvez le renouveler en un clic." in web.as_(jo).get("/portal/notices/").content.decode()
    web.post(f"/portal/consents/{ending.pk}/renew/")
    page = web.get("/portal/notices/").content.decode()
    assert "a été renouvelé ou modifié depuis" in page and "Vous pouvez le renouveler en un clic." not in page
