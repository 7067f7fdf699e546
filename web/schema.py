"""The OpenAPI schema says every status an operation can answer, not only its success.

Each operation gets the error answers its shape allows: 400 when it reads a body or query
parameters, 401 and 403 unless it is open to anyone, 404 when it names an object (in its path, or
in its body for a view that says so: ``names_objects_in_body``) or pages a list,
409 and 415 when it changes something, 429 when it is throttled, and 503 always (the access log or
the database cannot be written: nothing is shown or saved). A fuzzer holds the schema to it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

MESSAGE = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words."}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "One list of messages per field (or `detail` for the request as a whole).",
    "additionalProperties": True,
}
ERRORS = {
    "400": (_("The request cannot be read, or a field is wrong: one message per field."), FIELD_ERRORS),
    "401": (_("Not signed in (send `Authorization: Token …`)."), MESSAGE),
    "403": (_("Refused to this account (its role, or a commitment not yet accepted)."), MESSAGE),
    "404": (_("No such record, or one the account may not see (the same answer for both)."), MESSAGE),
    "409": (_("In conflict with the record as it is now (already done, or changed meanwhile)."), MESSAGE),
    "415": (_("The body is not JSON."), MESSAGE),
    "429": (_("Too many attempts: try again later."), MESSAGE),
    "503": (
        _("The access log or the database cannot be written just now: nothing was shown or saved."),
        MESSAGE,
    ),
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
PAGING = ("page", "page_size")


class RelaisAutoSchema(AutoSchema):
    def _error_statuses(self) -> list[str]:
        view = self.view
        open_to_anyone = any(isinstance(p, AllowAny) for p in view.get_permissions())
        reads_input = self.method in ("POST", "PUT", "PATCH") or bool(self._get_query_parameters())
        names_an_object = "{" in self.path or getattr(view, "names_objects_in_body", False)
        pages_a_list = (
            self._is_list_view()
            and self.method == "GET"
            and getattr(view, "pagination_class", None) is not None
        )
        statuses = ["503"]
        if reads_input:
            statuses.append("400")
        if not open_to_anyone:
            statuses += ["401", "403"]
        if names_an_object or pages_a_list:
            statuses.append("404")
        if self.method in UNSAFE and not open_to_anyone:
            statuses.append("409")
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.append("415")
        if getattr(view, "throttle_classes", None):
            statuses.append("429")
        return statuses

    def _get_query_parameters(self) -> list[Any]:
        return [p for p in self._get_parameters() if p.get("in") == "query"]

    def _get_parameters(self) -> list[dict[str, Any]]:
        """A search or a filter left empty means "not filtering": the schema says so. Paging is exact."""
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query" and parameter["name"] not in PAGING:
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            description, schema = ERRORS[status]
            responses.setdefault(
                status, {"description": str(description), "content": {"application/json": {"schema": schema}}}
            )
        return responses
