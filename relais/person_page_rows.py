"""The person page's reads of what is not person data (the categories' labels, the teams that do
not follow the person, for the form that brings one in), each compiled once per shape
(``access.compiled``) as the page's other statements are: the ORM built them at every request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from access import compiled
from teams.models import Category, Team

_CATEGORY = ("id", "code", "label_fr", "label_en")
_TEAM = tuple(f.attname for f in Team._meta.concrete_fields)


def _categories(_ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    return Category.objects.all().values(*_CATEGORY)


def category_labels() -> dict[str, str]:
    """``teams.selectors.category_labels``: every category's label (in the active language) by its
    code, in the categories' order."""
    rows = compiled.values("person-page:categories", _categories, {}, timezone.now())
    categories = (Category.from_db(None, list(_CATEGORY), [row[name] for name in _CATEGORY]) for row in rows)
    return {category.code: category.label for category in categories}


def _teams(ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    return Team.objects.exclude(pk__in=ids["team"]).order_by("name").values(*_TEAM)


def other_teams(following: Iterable[int]) -> list[Team]:
    """The teams that do not follow the person, by name (every field of each, as the ORM reads it)."""
    ids = {"team": sorted(following)}
    if not ids["team"]:
        return list(Team.objects.order_by("name"))
    rows = compiled.values("person-page:other-teams", _teams, ids, timezone.now())
    return [Team.from_db(None, list(_TEAM), [row[name] for name in _TEAM]) for row in rows]
