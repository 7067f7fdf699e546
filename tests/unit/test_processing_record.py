"""The record of processing activities (GDPR art. 30) is printed from the deployment's configuration:
its controller, its teams and what their missions need, its retention periods, its security."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_organisation, make_team

# A command's text, from the organisations' rows: one database is enough.
pytestmark = pytest.mark.any_database


def record(*args: str) -> str:
    out = StringIO()
    call_command("processing_record", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def configured(settings, db):
    settings.RELAIS_CONTROLLER = "Association Horizon, 3 rue des Lilas, Lille"
    settings.RELAIS_DPO_CONTACT = "dpo@horizon.example"
    settings.RELAIS_ARCHIVE_AFTER_YEARS = 3
    settings.RELAIS_ERASE_AFTER_YEARS = 7
    settings.RELAIS_AUDIT_RETENTION_DAYS = 200
    settings.RELAIS_MFA_REQUIRED = True
    return make_team("Équipe mobile psy", categories=["health", "support_plan"])


def test_the_record_names_the_controller_teams_and_periods_configured(configured):
    text = record("--language", "en")
    assert "Controller: Association Horizon, 3 rue des Lilas, Lille" in text
    assert "Data protection officer: dpo@horizon.example" in text
    assert "Équipe mobile psy: support_plan, health" in text  # in the registry's order
    assert "archived 3 year(s) after their last follow-up ended, erased 7 year(s) later" in text
    assert "The access log: 200 days." in text
    assert "Second factor for staff accounts: required." in text


def test_what_the_configuration_does_not_say_is_left_to_the_controller(configured, settings):
    settings.RELAIS_HOSTING = ""
    text = record("--language", "en")
    assert "Host: to be completed by the controller (setting RELAIS_HOSTING)" in text
    assert "Contact: to be completed by the controller (setting RELAIS_CONTROLLER_CONTACT)" in text


def test_the_record_is_in_french_by_default_and_as_json_on_demand(configured):
    assert "Responsable du traitement : Association Horizon" in record()
    sections = json.loads(record("--format", "json", "--language", "en"))
    assert any("Équipe mobile psy" in line for line in sections["Recipients"])
    assert set(sections) >= {"Controller", "Purposes", "Legal bases", "Retention", "Security measures"}


def test_each_organisation_has_its_own_record_with_its_teams(configured):
    """Organisations are controllers each (issue 23): the deployment's record names them all, and an
    organisation's names its controller, its data protection contact and its teams only."""
    horizon = make_organisation(
        "Horizon Addictions",
        legal_name="Association Horizon Addictions",
        data_protection_contact="dpo@horizon.example",
    )
    make_team("CSAPA Horizon", categories=["health"], organisation=horizon)
    whole = record("--language", "en")
    assert "Organisation Horizon Addictions (Association Horizon Addictions)" in whole
    own = record("--language", "en", "--organisation", "Horizon Addictions")
    assert "Controller: Association Horizon Addictions (Horizon Addictions)" in own
    assert "Data protection officer: dpo@horizon.example" in own
    assert "CSAPA Horizon: health" in own and "Équipe mobile psy" not in own
    with pytest.raises(CommandError):
        record("--organisation", "Nulle part")
