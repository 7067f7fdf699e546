"""The OpenAPI schema describes every endpoint with its bodies; the docs page is served offline."""

import pytest
from drf_spectacular.generators import SchemaGenerator

# The schema is generated from the code, the docs page is static: one database is enough.
pytestmark = pytest.mark.any_database


def test_schema_is_served(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200


def test_docs_are_served_without_a_cdn(api, db):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert "cdn." not in response.content.decode()


def test_every_operation_declares_its_responses_and_bodies():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            ok = [code for code in operation["responses"] if code.startswith("2")]
            assert ok, (method, path)
            if method in ("post", "patch") and not path.endswith(
                (
                    "/close/",
                    "/commitment/",
                    "/portal-invitation/",
                    "/revoke/",
                    "/renewal/",
                    "/acknowledge/",
                    "/code/",
                    "/emergency-accesses/{id}/end/",
                    "/lift/",
                )
            ):
                assert "requestBody" in operation, (method, path)


def test_an_object_named_in_the_body_documents_its_404():
    """A disagreement names the journal line it is about: another's is a 404, and the schema says so."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "404" in schema["paths"]["/api/v1/portal/disagreements/"]["post"]["responses"]
