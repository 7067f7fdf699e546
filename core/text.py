"""Text as a search compares it: "Joëlle", "JOELLE" and "joelle" are the same name."""

import unicodedata


def fold(text: str) -> str:
    """Case and accents dropped, the same way on every database (neither needs an extension)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def hides_characters(text: str) -> bool:
    """True if the text holds characters a reader cannot see but that change what they read: control
    characters, and Unicode's format characters (right-to-left overrides and isolates, zero-width
    spaces and joiners). A name or a title that persons read in their journal and receipts must say
    exactly what it shows."""
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in text)


def with_role(name: str, role: str) -> str:
    """A name followed by its role in parentheses, once: "Lucie Marchand (sa sœur)" with "personne de
    confiance" reads "Lucie Marchand (sa sœur, personne de confiance)", never two parentheses in a row."""
    if not role:
        return name
    if name.endswith(")") and "(" in name:
        return f"{name[:-1]}, {role})"
    return f"{name} ({role})"
