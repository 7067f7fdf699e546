"""What an OPTIONS request says about an API view."""

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request


class Metadata(SimpleMetadata):
    """OPTIONS names the view and its formats, and does no work on anyone's record.

    DRF's default builds each writable serializer and fetches the object for PUT, so an OPTIONS
    request could read a record (unrecorded) or fail on views that take no body. The fields of
    every operation are in the OpenAPI schema instead.
    """

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}
