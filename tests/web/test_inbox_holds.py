"""Issue 21, item 9: the inbox says only what still holds. An offer to renew goes once there is
nothing left to renew, "renewed or changed since" is said once, and the person's own acts add
nothing to their own inbox. What a representative does for the person is told to the person: the
inbox is how they learn what was done in their name (a decision, tested below)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consent.models import Notice
from tests.factories import give_consent, information_text, make_portal_account, representative_of

# What the inbox says, rendered from the services' answers (the rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database

OFFER = "Vous pouvez le renouveler en un clic."
SINCE = "a été renouvelé ou modifié depuis"


def soon(days: int):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


def inbox(web, jo) -> str:
    return web.as_(jo).get("/portal/notices/").content.decode()


def test_the_offer_to_renew_goes_once_the_consent_is_withdrawn(web, team, worker, person, jo):
    consent = give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    assert OFFER in inbox(web, jo)
    web.post(f"/portal/consents/{consent.pk}/stop/", {"confirmed": "yes"})
    page = inbox(web, jo)
    assert OFFER not in page and SINCE not in page
    assert "prend fin le" not in page


def test_renewed_or_changed_since_is_said_once(web, team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    inbox(web, jo)  # the first end is told
    later = give_consent(person, team, ["housing", "contact"], by=worker, valid_until=soon(20))
    inbox(web, jo)  # another end for the same team: told too
    assert Notice.objects.filter(kind="consent_ending").count() == 2
    web.post(f"/portal/consents/{later.pk}/renew/")
    page = inbox(web, jo)
    assert page.count(SINCE) == 1 and OFFER not in page


def test_changing_what_one_shares_adds_nothing_to_ones_own_inbox(web, team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker, valid_until=soon(10))
    inbox(web, jo)
    before = Notice.objects.filter(person=person).count()
    for category in ("contact", "support_plan"):
        assert (
            web.post("/portal/share/", {"team": team.pk, "category": category, "share": "yes"}).status_code
            == 302
        )
        inbox(web, jo)
    assert Notice.objects.filter(person=person).count() == before
    page = inbox(web, jo)
    assert page.count(OFFER) == 1 and SINCE not in page  # the same end, still ahead: the same offer


def test_an_end_the_person_chose_themselves_is_not_news_to_them(api, team, person, jo):
    body = {"team": team.pk, "categories": ["housing"], "valid_until": soon(15).isoformat()}
    body["information"] = information_text().pk
    assert api.as_(jo).post("/api/v1/portal/consents/", body, format="json").status_code == 201
    api.as_(jo).get("/api/v1/portal/notices/")
    assert not Notice.objects.filter(person=person).exists()


def test_what_a_representative_does_for_the_person_is_told_to_the_person(web, team, worker, person, jo):
    agent = representative_of(person, worker)
    web.as_(agent.account).post("/portal/share/", {"team": team.pk, "category": "housing", "share": "yes"})
    notice = Notice.objects.get(person=person)
    assert notice.kind == "consent_recorded" and notice.representative_id == agent.pk


def test_a_change_that_keeps_the_end_date_is_not_a_new_end(web, team, worker, person, jo):
    ends = soon(10)
    give_consent(person, team, ["housing"], by=worker, valid_until=ends)
    inbox(web, jo)
    give_consent(person, team, ["housing", "contact"], by=worker, valid_until=ends)  # one kind more
    page = inbox(web, jo)
    assert Notice.objects.filter(kind="consent_ending").count() == 1
    assert page.count(OFFER) == 1 and SINCE not in page
