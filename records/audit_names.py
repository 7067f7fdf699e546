"""Names for the auditors' page: the log stores ids only, and lives below the apps that name them.

The URL configuration hands this directory to the log page, so an auditor can filter by a person's,
an actor's or a team's name and sees names next to ids, without the log importing an app above it.
Names are matched folded (case and accents ignored), as the persons' search does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Q

from access import archived
from core.text import fold
from records.models import Person
from teams.models import Team, User

MATCH_LIMIT = 500  # a name that matches more than this is too vague to filter by


def _folded_ids(rows: Iterable[tuple[int, str]], text: str) -> list[int]:
    wanted = fold(text)
    return [pk for pk, name in rows if wanted in fold(name)][:MATCH_LIMIT]


class Directory:
    """Ids by name, and names by id, for persons, actors and teams."""

    def matching(self, kind: str, text: str) -> list[int]:
        """The ids whose name contains ``text`` (folded); an empty list when none does."""
        text = text.strip()
        if not text:
            return []
        if kind == "person":
            key = fold(text)
            # An archived person is counted, never named (``access.archived``): their events keep the id.
            found = archived.unarchived(
                Person.objects.filter(Q(name_key__contains=key) | Q(identity_key__contains=key))
            )
            return list(found.order_by("id").values_list("id", flat=True)[:MATCH_LIMIT])
        if kind == "team":
            return _folded_ids(Team.objects.order_by("id").values_list("id", "name"), text)
        if kind == "actor":
            accounts = User.objects.order_by("id").values_list(
                "id", "display_name", "username", "first_name", "last_name"
            )
            return _folded_ids(((pk, " ".join(names)) for pk, *names in accounts), text)
        raise ValueError(kind)

    def names(
        self, *, person_ids: Iterable[int], team_ids: Iterable[int]
    ) -> tuple[Mapping[int, str], Mapping[int, str]]:
        """The name each person goes by and each team's name, for the ids of one page of events."""
        person_set, team_set = set(person_ids), set(team_ids)
        persons = archived.unarchived(Person.objects.filter(pk__in=person_set)).values_list(
            "id", "display_name"
        )
        teams = Team.objects.filter(pk__in=team_set).values_list("id", "name")
        return (dict(persons) if person_set else {}), (dict(teams) if team_set else {})


DIRECTORY = Directory()
