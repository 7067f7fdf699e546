"""Issue 23: the person sees who is responsible. Their space and its printable copy name, for each
team that follows them, the organisation behind it and how to reach its data protection contact."""

import re

import pytest

from tests.factories import follow as start_following
from tests.factories import make_organisation, make_portal_account, make_team

# Pages that name each team's organisation, rendered from the services' answers: one database is enough.
pytestmark = pytest.mark.any_database


@pytest.fixture
def horizon_team(db):
    horizon = make_organisation(
        "Horizon Addictions",
        legal_name="Association Horizon Addictions",
        data_protection_contact="dpo@horizon.example",
        postal_address="21 boulevard Vauban, Lille",
    )
    return make_team("CSAPA Horizon", ("contact", "health"), organisation=horizon)


def test_the_space_names_each_teams_organisation_and_its_contact(web, person, team, horizon_team):
    start_following(person, horizon_team)
    page = web.as_(make_portal_account(person, "jo")).get("/portal/").content.decode()
    ours = team.organisation
    assert f"Équipe de {ours.name} ({ours.legal_name})" in page
    assert ours.data_protection_contact in page
    assert "Équipe de Horizon Addictions (Association Horizon Addictions)" in page
    assert "dpo@horizon.example" in page and "21 boulevard Vauban, Lille" in page


def test_the_printable_copy_names_each_teams_organisation(web, person, team, horizon_team):
    start_following(person, horizon_team)
    page = web.as_(make_portal_account(person, "jo")).get("/portal/print/").content.decode()
    assert "Association Horizon Addictions" in page and "dpo@horizon.example" in page
    assert team.organisation.legal_name in page


def test_the_consent_form_names_the_organisation_and_leaves_another_organisations_team_to_it(
    web, person, team, worker, horizon_team
):
    start_following(person, horizon_team)
    page = web.as_(worker).get(f"/persons/{person.pk}/consents/new/").content.decode()
    assert team.organisation.data_protection_contact in page
    assert (
        "CSAPA Horizon appartient à une autre organisation (Horizon Addictions) : c'est l'un de ses "
        "membres qui recueille le consentement avec la personne, ou la personne elle-même dans son espace."
    ) in page.replace("&#x27;", "'")
    team_choices = re.search(r'<select id="choose-team" name="team">(.*?)</select>', page, re.S)
    assert team_choices is not None
    assert f'<option value="{team.pk}"' in team_choices.group(1)
    assert f'<option value="{horizon_team.pk}"' not in team_choices.group(1)


def test_the_journal_names_the_organisation_behind_whoever_looked(web, person, team, worker):
    web.as_(worker).get(f"/persons/{person.pk}/")
    page = web.as_(make_portal_account(person, "jo")).get("/portal/journal/").content.decode()
    assert f"Organisation responsable : {team.organisation.name}" in page
