"""Dates written as ``django.utils.dateformat.format`` writes them, with the format string read once
for a page rather than once per row: a page of fifty rows read it fifty times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import dateformat


@dataclass(frozen=True)
class DateWords:
    """A format string read once: its pieces, each a format character or literal text."""

    pieces: tuple[tuple[bool, str], ...]

    @classmethod
    def of(cls, format_string: str) -> DateWords:
        pieces: list[tuple[bool, str]] = []
        for i, piece in enumerate(dateformat.re_formatchars.split(format_string)):
            if i % 2:
                pieces.append((True, piece))
            elif piece:
                pieces.append((False, dateformat.re_escaped.sub(r"\1", piece)))
        return cls(tuple(pieces))

    def uses(self, characters: str) -> bool:
        """Whether the format shows any of ``characters`` (``"sufU"``: something within a minute)."""
        return any(special and piece in characters for special, piece in self.pieces)

    def __call__(self, value: date) -> str:
        parts = dateformat.DateFormat(value)
        return "".join(str(getattr(parts, piece)()) if special else piece for special, piece in self.pieces)
