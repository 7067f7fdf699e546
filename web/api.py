"""What every list of the API shares: a page is shown only with its disclosure recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from core.ids import LARGEST_ID

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class DisclosingList(generics.ListAPIView):
    """A list whose rows come from a ``Selection``: paginated, recorded, then serialised, in one call."""

    def select(self) -> Selection:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        selection = self.select()
        page = self.paginate_queryset(selection.rows)  # type: ignore[arg-type]  # any paged rows
        shown = selection.disclose(page if page is not None else list(selection.rows))
        return self.get_paginated_response(self.get_serializer(shown, many=True).data)


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id in a body: anything beyond 64 bits is a 400 on its field, never a query."""
    return serializers.IntegerField(min_value=1, max_value=LARGEST_ID, **kwargs)


# JSON has types: a field that wants a string takes a string, not a number DRF would turn into one.
# The schema says so, and a client that sends something else gets a 400 on that field.
_BOOLEAN, _INTEGER, _STRING, _ARRAY, _OBJECT = (
    (bool,),
    (int,),
    (str,),
    (list,),
    (dict,),
)
_TYPE_MESSAGES: dict[tuple[type, ...], StrPromise] = {
    _BOOLEAN: _("Must be true or false."),
    _INTEGER: _("Must be a whole number."),
    _STRING: _("Must be text."),
    _ARRAY: _("Must be a list."),
    _OBJECT: _("Must be an object."),
}


def _json_type(field: serializers.Field) -> tuple[type, ...] | None:
    if isinstance(field, serializers.BooleanField):
        return _BOOLEAN
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return _INTEGER
    if isinstance(field, serializers.ListField | serializers.ManyRelatedField):
        return _ARRAY
    if isinstance(field, serializers.DictField | serializers.JSONField):
        return _OBJECT
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.SlugRelatedField,
    ):
        return _STRING
    return None


def _has_type(value: object, expected: tuple[type, ...]) -> bool:
    if expected == _INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _items_of(field: serializers.Field) -> serializers.Field | None:
    if isinstance(field, serializers.ListField):
        return field.child
    if isinstance(field, serializers.ManyRelatedField):
        return field.child_relation
    return None


def _longer_than_its_schema(field: serializers.Field, value: object) -> bool:
    """A text longer than the schema's ``maxLength``: DRF would trim its spaces before counting, and
    accept what the schema refuses."""
    limit = getattr(field, "max_length", None)
    return isinstance(field, serializers.CharField) and limit is not None and len(str(value)) > limit


class StrictInput:
    """Refuses a value of the wrong JSON type, or a text longer than the schema says, per field (400),
    before DRF would coerce or trim it."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            for name, field in self.fields.items():  # type: ignore[attr-defined]
                if field.read_only or name not in data or data[name] is None:
                    continue
                expected = _json_type(field)
                if expected is not None and not _has_type(data[name], expected):
                    errors[name] = [str(_TYPE_MESSAGES[expected])]
                    continue
                if _longer_than_its_schema(field, data[name]):
                    too_long = str(field.error_messages["max_length"])
                    errors[name] = [too_long.format(max_length=field.max_length)]
                    continue
                child = _items_of(field)
                child_type = _json_type(child) if child is not None else None
                if child_type is not None and not all(_has_type(item, child_type) for item in data[name]):
                    errors[name] = [str(_TYPE_MESSAGES[child_type])]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class InputSerializer(StrictInput, serializers.Serializer):
    """A request body: each field of the JSON type the schema gives it."""


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class OptionalEmailField(serializers.CharField):
    """An e-mail address, or nothing (the schema says both; as an EmailField it would say "email" only)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise serializers.ValidationError(_("Enter a valid email address.")) from None
        return value
