"""Who is asking is established once per request (its unit of work) and kept for the rest of it;
a new request asks again, and a refusal is never kept (issue 22, item 3)."""

import pytest
from django.utils import timezone

from access.who_is_asking import member_for
from audit import recorder
from core.domain_errors import NotAMember
from teams import services as team_services
from tests.factories import SYSTEM, UserFactory


def _join(user, team):
    team_services.add_member(by=SYSTEM, team=team, user=user, profession="infirmière")
    user.memberships.filter(team=team).update(commitment_accepted_at=timezone.now())


pytestmark = pytest.mark.any_database


def test_the_member_is_asked_once_in_a_request(worker, django_assert_num_queries):
    with recorder.unit_of_work():
        first = member_for(worker)
        with django_assert_num_queries(0):
            again = member_for(worker)
    assert again is first


def test_another_request_asks_again_and_sees_a_new_team(worker, team, other_team):
    with recorder.unit_of_work():
        assert member_for(worker).team_ids == {team.pk}
    _join(worker, other_team)
    with recorder.unit_of_work():
        assert member_for(worker).team_ids == {team.pk, other_team.pk}


def test_a_refusal_is_not_kept_for_the_rest_of_the_request(team):
    newcomer = UserFactory()
    with recorder.unit_of_work():
        with pytest.raises(NotAMember):
            member_for(newcomer)
        _join(newcomer, team)
        assert member_for(newcomer).team_ids == {team.pk}


def test_outside_a_request_every_question_is_asked(worker, django_assert_num_queries):
    with django_assert_num_queries(2):
        member_for(worker)
        member_for(worker)
