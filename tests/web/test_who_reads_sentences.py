"""Issue "Every sentence true", §2–5, 7 and 13: each sentence about who reads a note or a person,
as the demo showed it false, now written from the policy's readership (R11). The whole of it, in
every state, is ``tests/rules/test_r11_every_sentence_true.py``."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import AccessEvent
from consent.emergency import services as glass
from consent.models import GlassBreak
from tests.factories import give_consent, make_member, make_note, make_person, make_portal_account, make_team

# Pages that render what the policy's readership answers (the rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database


def plain(response) -> str:
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).replace("’", "'")
    return " ".join(page.split())


def local(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@pytest.fixture
def csapa(db):
    return make_team("CSAPA Horizon", ("contact", "health", "addiction"))


@pytest.fixture
def nadia(csapa):
    return make_member(csapa, username="nadia")


def open_glass(member, person, team, categories, reason="danger_to_life") -> GlassBreak:
    return glass.break_glass(
        user=member,
        person_id=person.pk,
        team_id=team.pk,
        categories=categories,
        reason=reason,
        statement="Injoignable.",
    )


def test_why_of_an_own_note_read_by_another_team_names_that_team_and_the_message_names_the_author(
    web, worker, team, csapa, nadia
):
    """§2: Camille's health note, read by CSAPA Horizon, was explained as "nobody else reads it",
    and the message after saving left its author out."""
    jo = make_person(team, csapa, display_name="Jo")
    give_consent(jo, csapa, ["health"], by=nadia)
    saved = web.as_(worker).post(
        f"/persons/{jo.pk}/notes/new/",
        {"team": team.pk, "category": "health", "body": "RDV CMP"},
        follow=True,
    )
    page = plain(saved)
    assert "Lue par : vous, et les membres de CSAPA Horizon (son consentement)." in page
    assert "Vous avez écrit cette note. Elle est lue aussi par les membres de CSAPA Horizon" in page
    assert "Personne d'autre ne la lit" not in page


def test_a_colleagues_note_read_through_an_emergency_access_is_not_you_alone(web, worker, peer, team, person):
    """§3: Sami's housing note carried "You alone" on Camille's page while its "why" said the team
    reads it through emergency access no. 1."""
    note = make_note(person, peer, team, "housing", "Expulsion prévue")
    opened = open_glass(worker, person, team, ["housing"])
    response = web.as_(worker).get(f"/persons/{person.pk}/")
    article = re.search(
        rf'<article class="note[^"]*" aria-labelledby="note-{note.pk}">(.*?)</article>',
        response.content.decode(),
        re.S,
    )
    text = plain(type("R", (), {"content": article.group(1).encode()}))
    assert "Vous seul" not in text and "only-me" not in article.group(0)
    assert "Accès d'urgence" in text
    assert f"accès d'urgence (n° {opened.pk}) de Maraude Nord, jusqu'au {local(opened.ends_at)}" in text


def test_the_note_form_says_the_team_reads_what_an_emergency_access_opened(web, worker, team, person):
    """§4: during an emergency access the form still said "addiction — you alone"."""
    team.continuity_categories.add(*team.continuity_categories.model.objects.filter(code="addiction"))
    opened = open_glass(worker, person, team, ["addiction"])
    page = plain(web.as_(worker).get(f"/persons/{person.pk}/"))
    expected = (
        f"Conduites addictives — vous, et les membres de Maraude Nord (accès d'urgence n° {opened.pk}, "
        f"jusqu'au {local(opened.ends_at)})"
    )
    assert expected in page
    assert "Conduites addictives — vous seul" not in page


def test_the_portal_says_what_an_emergency_access_opened_and_not_only_the_name(web, worker, team, person):
    """§5: the portal said "this team sees only your name" and "contact: this team does not see it"
    while contact and housing were open."""
    opened = open_glass(worker, person, team, ["contact", "housing"])
    page = plain(web.as_(make_portal_account(person, "jo")).get("/portal/"))
    assert "seulement votre nom" not in page
    assert "Sans votre accord, cette équipe voit votre nom, et ce qu'un accès d'urgence a ouvert." in page
    sees = f"cette équipe y a accès par un accès d'urgence, jusqu'au {local(opened.ends_at)}."
    assert f"Coordonnées : {sees}" in page and f"Logement et hébergement : {sees}" in page
    assert "Projet d'accompagnement : cette équipe n'y a pas accès." in page


def test_an_open_emergency_access_shows_to_the_whole_team_with_its_local_end_and_ends_early(
    web, api, worker, team, person, colleague
):
    """§7: Yves, in the same team, saw nothing of the access on Jo's page; it could not be ended
    early. Now every member sees it, with its end in local time, and may end it (recorded)."""
    note = make_note(person, worker, team, "support_plan", "RDV CAF")
    opened = open_glass(worker, person, team, ["support_plan"])
    page = web.as_(colleague).get(f"/persons/{person.pk}/").content.decode()
    assert f'data-glass="{opened.pk}"' in page
    text = plain(web.get(f"/persons/{person.pk}/"))
    assert (
        f"L'accès d'urgence n° {opened.pk} de Maraude Nord est ouvert jusqu'au {local(opened.ends_at)}."
        in text
    )
    assert local(opened.ends_at) != date_format(opened.ends_at.replace(tzinfo=None), "DATETIME_FORMAT")
    assert api.as_(colleague).get(f"/api/v1/notes/{note.pk}/").status_code == 200

    ended = web.post(f"/emergency-accesses/{opened.pk}/end/", follow=True)
    assert f"L'accès d'urgence n° {opened.pk} est terminé" in plain(ended)
    opened.refresh_from_db()
    assert (opened.end_reason, opened.ended_by_id) == ("ended_early", colleague.pk)
    event = AccessEvent.objects.filter(action="glass_break.end").get()
    assert (event.actor_id, event.reason, event.glass_break_id) == (colleague.pk, "ended_early", opened.pk)
    assert api.as_(colleague).get(f"/api/v1/notes/{note.pk}/").status_code == 404
    assert f'data-glass="{opened.pk}"' not in web.get(f"/persons/{person.pk}/").content.decode()
    again = web.post(f"/emergency-accesses/{opened.pk}/end/")
    assert again.status_code == 400 and "déjà terminé" in plain(again)


def test_another_teams_emergency_access_cannot_be_ended(web, worker, team, person, csapa, nadia):
    from tests.factories import follow

    follow(person, csapa)
    theirs = open_glass(nadia, person, csapa, ["contact"])
    assert web.as_(worker).post(f"/emergency-accesses/{theirs.pk}/end/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.ended_at is None


def test_the_emergency_box_does_not_offer_what_is_open_and_says_why_in_words(web, worker, team, person):
    """§7: the box offered to open what was open, and "Déjà lisible par l'équipe : housing."."""
    consent = give_consent(person, team, ["housing"], by=worker)
    opened = open_glass(worker, person, team, ["contact"])
    form = web.as_(worker).get(f"/persons/{person.pk}/emergency/").content.decode()
    assert 'value="support_plan"' in form and 'value="housing"' not in form and 'value="contact"' not in form
    refused = web.post(
        f"/persons/{person.pk}/emergency/",
        {
            "team": team.pk,
            "categories": ["housing", "contact"],
            "reason": "danger_to_life",
            "statement": "Urgent.",
            "hours": "4",
        },
    )
    text = plain(refused)
    assert refused.status_code == 400
    assert "Maraude Nord lit déjà : Coordonnées (accès d'urgence n° " in text
    assert (
        "Logement et hébergement (son consentement)" in text
        and "housing" not in text.split("lit déjà")[1][:200]
    )
    assert consent.pk and opened.pk
    # With everything of the mission open, the person page offers nothing more to open.
    open_glass(worker, person, team, ["support_plan", "administrative"])
    page = plain(web.get(f"/persons/{person.pk}/"))
    assert "Briser la glace" not in page and "Rien à ouvrir en urgence" in page


def test_the_person_page_starts_with_what_the_team_reads_until_when(web, worker, team, person):
    """§13: at 360 px the status was three screens down; it is now the page's first section."""
    give_consent(person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=30))
    opened = open_glass(worker, person, team, ["support_plan"])
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert page.index('id="status"') < page.index('id="identity"') < page.index('id="notes"')
    status = plain(
        type("R", (), {"content": re.search(r'id="status".*?</section>', page, re.S).group(0).encode()})
    )
    assert "Maraude Nord : par accord : Logement et hébergement (jusqu'au" in status
    assert f"Projet d'accompagnement (jusqu'au {local(opened.ends_at)})" in status


def test_stopping_to_share_during_an_emergency_access_for_danger_to_life_says_it_still_reads(
    web, worker, team, person
):
    """The message after a change of the person's was "this team no longer sees it" while an
    emergency access for a danger to life still read it."""
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    opened = open_glass(worker, person, team, ["support_plan"])
    jo = web.as_(make_portal_account(person, "jo"))
    shared = jo.post(
        "/portal/share/", {"team": team.pk, "category": "support_plan", "share": "yes"}, follow=True
    )
    assert "C'est fait. Maraude Nord voit maintenant cette information." in plain(shared)
    stopped = jo.post(
        "/portal/share/", {"team": team.pk, "category": "support_plan", "share": "no"}, follow=True
    )
    assert f"il la voit encore par l'accès d'urgence, jusqu'au {local(opened.ends_at)}" in plain(stopped)
    current = person.consents.filter(superseded_by__isnull=True).latest("pk")
    everything = jo.post(f"/portal/consents/{current.pk}/stop/", {"confirmed": "yes"}, follow=True)
    assert f"ce que l'accès d'urgence a ouvert, jusqu'au {local(opened.ends_at)}" in plain(everything)
    assert consent.pk


def test_a_team_that_follows_again_is_told_what_a_consent_of_before_still_shares(
    web, worker, team, person, csapa
):
    nadia = make_member(csapa, username="nadia")
    from tests.factories import follow

    follow_up = follow(person, csapa)
    give_consent(person, csapa, ["contact"], by=nadia)
    web.as_(nadia).post(f"/follow-ups/{follow_up.pk}/close/")
    reopened = web.as_(worker).post(
        f"/persons/{person.pk}/follow-ups/new/",
        {"team": csapa.pk, "presence": "in_person", "confirmed": "on"},
        follow=True,
    )
    assert "CSAPA Horizon suit maintenant cette personne, et lit : Coordonnées." in plain(reopened)
