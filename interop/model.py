"""Every resource Relais publishes is parsed by a third-party model (``fhir.resources``) before it
leaves: a resource that does not parse is a bug of ours, never an answer.

The model checks structure and cardinality, not codes: the codes are held to the value sets of
``interop.codes`` by the tests.
"""

from __future__ import annotations

from typing import Any

from fhir.resources import get_fhir_model_class
from fhir.resources.R4B import get_fhir_model_class as get_r4b_model_class

Resource = dict[str, Any]


def validated(resource: Resource, *, release: str = "R5") -> Resource:
    """The resource itself, once the model of its release (R5, or R4B) has parsed it."""
    find = get_r4b_model_class if release == "R4B" else get_fhir_model_class
    find(resource["resourceType"]).model_validate(resource)
    return resource
