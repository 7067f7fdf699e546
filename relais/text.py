"""Text as a search compares it: "Joëlle", "JOELLE" and "joelle" are the same name."""

import unicodedata


def fold(text: str) -> str:
    """Case and accents dropped, the same way on every database (neither needs an extension)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
