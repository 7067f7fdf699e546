"""What every list of the API shares: a page is shown only with its disclosure recorded."""

from __future__ import annotations

from typing import Any

from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from relais.ids import LARGEST_ID


class DisclosingList(generics.ListAPIView):
    """A list whose rows come from a ``Selection``: paginated, recorded, then serialised, in one call."""

    def select(self) -> Selection:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        selection = self.select()
        page = self.paginate_queryset(selection.rows)
        shown = selection.disclose(page if page is not None else list(selection.rows))
        return self.get_paginated_response(self.get_serializer(shown, many=True).data)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id in a body: anything beyond 64 bits is a 400 on its field, never a query."""
    return serializers.IntegerField(min_value=1, max_value=LARGEST_ID, **kwargs)
