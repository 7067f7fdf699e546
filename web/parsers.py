"""The API's JSON parser, with bounds on what a request may cost before any of it is read."""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No body of the API nests deeper than a few levels; Python's parser would recurse once per level.
MAX_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def nesting_depth(data: bytes) -> int:
    """How deep arrays and objects nest, strings aside: one linear pass, whatever the input."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class LimitedJSONParser(JSONParser):
    """JSON with a size limit (DRF reads the stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE)
    and a depth limit, so that a hostile body is a 400, never a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise ParseError(_("The request is too large (at most %(limit)d bytes).") % {"limit": limit})
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(
                _("The request nests too deeply (at most %(depth)d levels).") % {"depth": MAX_DEPTH}
            )
        return super().parse(io.BytesIO(data), media_type, parser_context)
