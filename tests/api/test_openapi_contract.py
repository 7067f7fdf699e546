"""Issue 25: the OpenAPI contract is valid for integrators. The schema passes openapi-spec-validator,
and a client generated from /api/schema/ by openapi-python-client runs a worker's and a person's
workflow end to end (token, persons, notes, consents, receipts, the FHIR resources, the export).

Both tools are test dependencies (``bin/setup``); without them (offline) the tests say so and are
skipped, unless RELAIS_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import (
    PASSWORD,
    give_consent,
    information_text,
    make_member,
    make_person,
    make_portal_account,
    make_team,
)

# The schema and a client generated from it: the contract, not the database: one database is enough.
pytestmark = pytest.mark.any_database

BIN = Path(sys.executable).parent
GENERATOR = shutil.which("openapi-python-client", path=str(BIN))
try:
    from openapi_spec_validator import OpenAPIV30SpecValidator
except ImportError:  # offline: the test tools could not be installed
    OpenAPIV30SpecValidator = None

REQUIRED = bool(os.environ.get("RELAIS_REQUIRE_TOOLS"))


def need(tool, name):
    if tool is None:
        assert not REQUIRED, f"{name} is a test tool (bin/setup --test-tools) and RELAIS_REQUIRE_TOOLS is set"
        pytest.skip(f"{name} is not installed (offline?): run bin/setup --test-tools")


def test_the_schema_is_valid_openapi():
    need(OpenAPIV30SpecValidator, "openapi-spec-validator")
    schema = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    errors = [error.message for error in OpenAPIV30SpecValidator(schema).iter_errors()]
    assert errors == []


@pytest.fixture
def client_package(live_server, tmp_path):
    """A client generated from the live service's schema, importable as ``relais_client``."""
    need(GENERATOR, "openapi-python-client")
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:  # noqa: S310
        (tmp_path / "schema.json").write_bytes(answer.read())
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--meta", "none", "--output-path", "relais_client"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    for name in [m for m in sys.modules if m == "relais_client" or m.startswith("relais_client.")]:
        del sys.modules[name]
    try:
        yield importlib.import_module("relais_client"), live_server.url
    finally:
        sys.path.remove(str(tmp_path))


def signed_in(package, base, username):
    from relais_client.api.auth import v1_auth_token_create
    from relais_client.models import TokenInRequest

    anonymous = package.Client(base_url=base)
    token = v1_auth_token_create.sync(
        client=anonymous, body=TokenInRequest(username=username, password=PASSWORD)
    )
    return package.AuthenticatedClient(base_url=base, token=token.token, prefix="Token")


@pytest.fixture
def world(flushable_audit):
    team = make_team("Maraude Nord", ("contact", "housing", "support_plan"))
    worker = make_member(team, username="camille")
    jo = make_person(team, display_name="Jo")
    give_consent(jo, team, ["contact"], by=worker)
    return {"team": team, "worker": worker, "jo": jo, "account": make_portal_account(jo, "jo")}


def test_a_generated_client_runs_a_workers_workflow(client_package, world):
    from relais_client.api.consents import (
        v1_consents_receipt_retrieve,
        v1_consents_withdraw_create,
        v1_persons_consents_create,
    )
    from relais_client.api.fhir import v1_consents_fhir_retrieve
    from relais_client.api.notes import v1_persons_notes_create, v1_persons_notes_list
    from relais_client.api.persons import v1_persons_list, v1_persons_retrieve
    from relais_client.models import (
        ConsentInRequest,
        LegalBasisEnum,
        MethodEnum,
        NoteInRequest,
        WithdrawInRequest,
    )

    package, base = client_package
    client = signed_in(package, base, "camille")
    team, jo = world["team"].pk, world["jo"].pk
    persons = v1_persons_list.sync(client=client)
    assert [p.id for p in persons.results] == [jo]
    assert v1_persons_retrieve.sync(jo, client=client).display_name == "Jo"
    consent = v1_persons_consents_create.sync(
        jo,
        client=client,
        body=ConsentInRequest(
            team=team,
            categories=["housing"],
            purpose="continuité",
            method=MethodEnum.ORAL,
            information=information_text().pk,
            legal_basis=LegalBasisEnum.CSP_L1110_4,
        ),
    )
    assert consent.categories == ["housing"] and consent.legal_basis == "csp_l1110_4"
    note = v1_persons_notes_create.sync(
        jo, client=client, body=NoteInRequest(team=team, category="housing", body="Demande SIAO déposée")
    )
    assert [n.id for n in v1_persons_notes_list.sync(jo, client=client).results] == [note.id]
    receipt = v1_consents_receipt_retrieve.sync(consent.id, client=client)
    assert receipt.payload["categories"] == ["housing"]
    resource = v1_consents_fhir_retrieve.sync(consent.id, client=client).to_dict()
    assert resource["resourceType"] == "Consent" and resource["status"] == "active"
    withdrawn = v1_consents_withdraw_create.sync(
        consent.id, client=client, body=WithdrawInRequest(method=MethodEnum.ORAL)
    )
    assert withdrawn.status == "withdrawn"


def test_a_generated_client_runs_a_persons_workflow(client_package, world):
    from relais_client.api.fhir import v1_portal_export_fhir_retrieve
    from relais_client.api.portal import (
        v1_portal_access_log_list,
        v1_portal_consents_create,
        v1_portal_consents_list,
        v1_portal_export_retrieve,
        v1_portal_receipts_list,
    )
    from relais_client.models import PortalConsentInRequest

    package, base = client_package
    client = signed_in(package, base, "jo")
    team = world["team"].pk
    given = v1_portal_consents_create.sync(
        client=client,
        body=PortalConsentInRequest(
            team=team, categories=["housing", "contact"], information=information_text().pk
        ),
    )
    assert sorted(given.categories) == ["contact", "housing"]
    assert given.id in [c.id for c in v1_portal_consents_list.sync(client=client).results]
    assert len(v1_portal_receipts_list.sync(client=client).results) >= 2
    assert v1_portal_access_log_list.sync(client=client).count >= 1
    copy = v1_portal_export_retrieve.sync_detailed(client=client)  # its schema names no fields
    assert copy.status_code == 200 and json.loads(copy.content)["person"]["display_name"] == "Jo"
    bundle = v1_portal_export_fhir_retrieve.sync(client=client).to_dict()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert {"Patient", "Consent"} <= {e["resource"]["resourceType"] for e in bundle["entry"]}
