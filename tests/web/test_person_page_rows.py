"""The person page's reads of the categories and of the teams that do not follow the person, by
statements compiled once per shape (``relais.person_page_rows``): what the querysets they replace
answer, in both languages, in the same order, after a change to what they read."""

import pytest
from django.utils import translation

from relais import person_page_rows
from teams.models import Category, Team
from teams.selectors import category_labels
from tests.factories import make_team


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_labels_are_those_of_category_labels_in_order_and_follow_a_change(db, language):
    with translation.override(language):
        assert list(person_page_rows.category_labels().items()) == list(category_labels().items())
        first = Category.objects.order_by("id").first()
        Category.objects.filter(pk=first.pk).update(label_fr="Coordonnées <b>", label_en="Contact & co")
        labels = person_page_rows.category_labels()
        assert list(labels.items()) == list(category_labels().items())
        assert labels[first.code] == ("Contact & co" if language == "en" else "Coordonnées <b>")


def test_the_other_teams_are_the_querysets_for_every_number_of_following_teams(db):
    teams = [make_team(name) for name in ("Zèbre", "Alpha", "Maraude", "CSAPA")]
    fields = [f.attname for f in Team._meta.concrete_fields]

    def same(found, expected):
        assert [[getattr(t, f) for f in fields] for t in found] == [
            [getattr(t, f) for f in fields] for t in expected
        ]

    for following in ([], [teams[0].pk], [teams[1].pk, teams[3].pk], [t.pk for t in teams]):
        expected = list(Team.objects.exclude(pk__in=following).order_by("name"))
        same(person_page_rows.other_teams(following), expected)
    Team.objects.filter(pk=teams[2].pk).update(name="Aaa")
    same(
        person_page_rows.other_teams([teams[0].pk]),
        list(Team.objects.exclude(pk=teams[0].pk).order_by("name")),
    )
