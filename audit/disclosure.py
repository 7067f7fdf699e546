"""Disclosure in one call: rows selected for a reader come with the way a shown page is recorded.

A list has three steps (select, paginate, record what is shown); a caller that forgot the last one
would disclose without an event. A ``Selection`` keeps the rows and their recording together, and
``web.api.DisclosingList`` and ``web.pages.disclosed_page`` are the only ways to show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, overload

from django.db.models import QuerySet

Row = TypeVar("Row")
Row_co = TypeVar("Row_co", covariant=True)


class PagedRows(Protocol[Row_co]):
    """Rows that are not a queryset but read as one by a paginator: counted, sliced, read whole."""

    def count(self) -> int: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Row_co]: ...
    @overload
    def __getitem__(self, index: int) -> Row_co: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row_co]: ...


@dataclass(frozen=True)
class Selection(Generic[Row]):
    """What a reader may see, and how a page of it is recorded (and turned into what is shown)."""

    # A queryset, or rows a paginator reads as it would one (``access.compiled.Rows``).
    rows: QuerySet[Row] | PagedRows[Row]  # type: ignore[type-var]
    record: Callable[[Sequence[Row]], Sequence[Any]]

    def disclose(self, page: Sequence[Row]) -> Sequence[Any]:
        """Record the page as shown, and return what to show."""
        return self.record(list(page))
