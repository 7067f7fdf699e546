"""What the schema says of FHIR answers: the resource's type and id. The rest of each resource is
FHIR's, held to its release's model by ``interop.model`` (a schema of FHIR inside ours would only
restate it, worse)."""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class FhirConsentSerializer(serializers.Serializer[dict[str, Any]]):
    """A FHIR R5 Consent (https://hl7.org/fhir/R5/consent.html)."""

    resourceType = serializers.ChoiceField(choices=["Consent"])  # noqa: N815 (FHIR's name)
    id = serializers.CharField()


@extend_schema_serializer(many=False)
class FhirBundleSerializer(serializers.Serializer[dict[str, Any]]):
    """A FHIR R5 Bundle (https://hl7.org/fhir/R5/bundle.html): a `searchset` of AuditEvents, or the
    person's `collection`."""

    resourceType = serializers.ChoiceField(choices=["Bundle"])  # noqa: N815 (FHIR's name)
    type = serializers.ChoiceField(choices=["searchset", "collection"])
    entry = serializers.ListField(child=serializers.DictField(), required=False)
