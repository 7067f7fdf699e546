"""Ids are 64-bit integers. A request may name any number of digits: a larger one names nothing, and
must reach neither a query nor a column of the access log."""

LARGEST_ID = 2**63 - 1


def is_storable_id(value: object) -> bool:
    return isinstance(value, int) and 0 < value <= LARGEST_ID
