"""The slices a paginator asks of what it pages: from a start to a stop, forwards."""

from __future__ import annotations


def forward(index: slice, what: str) -> tuple[int, int | None]:
    """``index``'s start and stop; ``ValueError`` for a step or a negative bound, which a page of
    ``what`` (read by ``LIMIT``/``OFFSET`` or newest first) cannot answer."""
    if index.step is not None or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
        raise ValueError(f"a page of {what}: from a start to a stop, forwards")
    return index.start or 0, index.stop
