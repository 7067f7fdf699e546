"""The handover at the start of a shift: what is new since my last visit, per person, and persons
followed without consent; only what the policy lets me see, and each person shown is recorded."""

import re
from datetime import timedelta

import pytest
from django.utils import formats, timezone

from audit.models import AccessEvent
from consent.consents import services as consent_services
from records import follow_ups
from records.models import HandoverMark, Note
from tests.factories import (
    CONSENT_LOCK_QUERIES,
    give_consent,
    make_note,
    make_person,
    make_team,
)


def _page(web, user) -> str:
    return web.as_(user).get("/handover/").content.decode().replace("&#x27;", "'")


def test_new_notes_consents_and_teams_are_listed_per_person(web, worker, colleague, team, person):
    give_consent(person, team, ["housing"], by=worker)
    make_note(person, colleague, team, "housing", "Texte jamais montré ici")
    csapa = make_team("CSAPA Horizon")
    follow_ups.open_follow_up(
        user=worker, person_id=person.pk, team_id=csapa.pk, presence="in_person", confirmed=True
    )
    page = _page(web, worker)
    assert "1 nouvelle note que vous pouvez lire" in page
    assert "Consentement enregistré pour Maraude Nord" in page
    assert "CSAPA Horizon a commencé le suivi" in page
    assert "Texte jamais montré ici" not in page


def test_own_notes_and_notes_i_may_not_read_are_not_news(web, worker, colleague, team, person):
    give_consent(person, team, ["housing"], by=worker)
    make_note(person, worker, team, "housing")  # mine
    make_note(person, colleague, team, "health")  # not shared with the team
    assert "nouvelle note" not in _page(web, worker)


def test_persons_followed_without_consent_are_pointed_out(web, worker, team):
    alix = make_person(team, display_name="Alix")
    Note.objects.all().delete()
    page = _page(web, worker)
    assert "Alix" in page and "Maraude Nord suit cette personne sans aucun consentement" in page
    give_consent(alix, team, ["housing"], by=worker)
    assert "sans aucun consentement" not in _page(web, worker)


def test_seen_moves_the_start_and_a_person_elsewhere_never_shows(web, worker, colleague, team, person):
    give_consent(person, team, ["housing"], by=worker)
    elsewhere = make_person(make_team("Ailleurs"), display_name="Quelqu'un d'ailleurs")
    assert "Quelqu'un d'ailleurs" not in _page(web, worker) and elsewhere.pk
    assert web.post("/handover/").status_code == 302
    assert HandoverMark.objects.get(user=worker).seen_at <= timezone.now()
    page = _page(web, worker)
    assert "Consentement enregistré" not in page and "Rien de neuf" in page
    make_note(person, colleague, team, "housing")
    assert "1 nouvelle note" in _page(web, worker)


def test_withdrawals_show_and_each_person_shown_is_recorded(web, worker, team, person):
    consent = give_consent(person, team, ["housing"], by=worker)
    HandoverMark.objects.create(user=worker, seen_at=timezone.now() - timedelta(minutes=1))
    consent_services.withdraw_consent(user=worker, consent_id=consent.pk, method="oral")
    mark = AccessEvent.objects.order_by("-id").first().pk
    page = _page(web, worker)
    assert "Consentement retiré pour Maraude Nord" in page
    events = list(AccessEvent.objects.filter(pk__gt=mark).values_list("action", "person_id"))
    assert events == [("person.list", person.pk)]


def test_peer_workers_see_the_same_handover(web, worker, peer, colleague, team, person):
    give_consent(person, team, ["housing"], by=worker)
    make_note(person, worker, team, "housing")

    def main(user) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _page(web, user).split("<main")[1])

    assert main(peer) == main(colleague)


def test_no_team_no_handover(web, db):
    from tests.factories import UserFactory

    assert web.as_(UserFactory(is_auditor=True)).get("/handover/").status_code == 403


HANDOVER_QUERIES = 15 + CONSENT_LOCK_QUERIES  # constant: the same for 10 and for 100 persons


@pytest.mark.parametrize("rows", [10, 100])
def test_handover_query_count_does_not_grow_with_persons(
    web, worker, colleague, team, rows, django_assert_num_queries
):
    for i in range(rows):
        person = make_person(team, display_name=f"P{i:03d}")
        give_consent(person, team, ["housing"], by=worker)
        make_note(person, colleague, team, "housing")
    web.as_(worker)
    with django_assert_num_queries(HANDOVER_QUERIES):
        assert web.get("/handover/").status_code == 200


def test_each_piece_of_news_is_told_as_the_template_told_it_with_every_name_escaped(
    web, worker, team, person
):
    """The words the template's ``blocktranslate`` tags wrote, now told in Python: a consent changed
    twice, a refusal, a withdrawal, a team that started and one that stopped following, a team that
    follows without consent; the names escaped once, the times local."""
    team.name = "Maraude <Nord> & Co"
    team.save(update_fields=["name"])
    worker.display_name = "Camille <b>"
    worker.save(update_fields=["display_name"])
    HandoverMark.objects.create(user=worker, seen_at=timezone.now() - timedelta(minutes=1))
    give_consent(person, team, ["housing"], by=worker)
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    other = make_person(team, display_name="Alix")
    refusal = give_consent(other, team, [], by=worker)
    consent_services.withdraw_consent(user=worker, consent_id=consent.pk, method="oral")
    csapa = make_team("CSAPA <Est>")
    opened = follow_ups.open_follow_up(
        user=worker, person_id=person.pk, team_id=csapa.pk, presence="in_person", confirmed=True
    )
    follow_ups.close_follow_up(user=worker, follow_up_id=opened.pk)
    page = web.as_(worker).get("/handover/").content.decode()
    at = formats.date_format(timezone.localtime(consent.recorded_at), "DATETIME_FORMAT")
    refused_at = formats.date_format(timezone.localtime(refusal.recorded_at), "DATETIME_FORMAT")
    name, by = "Maraude &lt;Nord&gt; &amp; Co", "Camille &lt;b&gt;"
    assert f"<li>Consentement enregistré pour {name}, le {at}, par {by} (2 changements depuis" in page
    assert f"<li>Refus enregistré pour {name}, le {refused_at}, par {by}</li>" in page
    assert f"<li>Consentement retiré pour {name}, le " in page
    assert "<li>CSAPA &lt;Est&gt; a commencé le suivi</li>" in page
    assert "<li>CSAPA &lt;Est&gt; a arrêté le suivi</li>" in page
    assert (
        f'<li><span class="badge bad">Pas de consentement</span> {name} suit cette personne sans aucun'
        in page
    )
    assert "&amp;lt;" not in page and "<b>" not in page
