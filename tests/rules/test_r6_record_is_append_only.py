"""R6 for the rest of the record (issue "Written in stone"): what was ended or decided stays so, on
PostgreSQL and SQLite alike. The grants of the service's own role are tried in ``tests/deploy``;
these triggers bind every role, and are tried here through the ordinary connection."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from consent.models import GlassBreak, PortalInvitation
from records.models import FollowUp
from tests.factories import make_member

OPEN = "/api/v1/persons/{}/emergency-access/"


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except DatabaseError:
        return True
    return False


@pytest.fixture
def glass(api, person, team, colleague):
    body = {
        "team": team.pk,
        "categories": ["housing"],
        "reason": "cannot_be_asked",
        "statement": "Injoignable.",
    }
    assert api.as_(colleague).post(OPEN.format(person.pk), body, format="json").status_code == 201
    return GlassBreak.objects.get()


def test_a_closed_follow_up_cannot_be_reopened_by_rewriting_it(api, person, team, worker, other_team):
    make_member(other_team, username="yves")
    follow_up = FollowUp.objects.get(person=person, team=team)
    FollowUp.objects.filter(pk=follow_up.pk).update(closed_at=timezone.now(), closed_by=worker)
    assert refused(FollowUp.objects.filter(pk=follow_up.pk), closed_at=None)
    assert refused(FollowUp.objects.filter(pk=follow_up.pk), closed_by=None)
    assert FollowUp.objects.get(pk=follow_up.pk).closed_at is not None


def test_a_verdict_on_an_emergency_access_is_given_once(glass, auditor):
    rows = GlassBreak.objects.filter(pk=glass.pk)
    rows.update(
        verdict="justified", review_comment="Hospitalisation", reviewed_by=auditor, reviewed_at=timezone.now()
    )
    assert refused(rows, verdict="not_justified")
    assert refused(rows, review_comment="rewritten")
    assert refused(rows, reviewed_at=None, verdict="")
    assert GlassBreak.objects.get(pk=glass.pk).verdict == "justified"


def test_the_persons_acknowledgement_of_an_emergency_access_is_final(glass):
    rows = GlassBreak.objects.filter(pk=glass.pk)
    rows.update(acknowledged_at=timezone.now())
    assert refused(rows, acknowledged_at=None)


def test_a_used_portal_code_cannot_be_made_unused(api, person, worker):
    assert api.as_(worker).post(f"/api/v1/persons/{person.pk}/portal-invitation/").status_code == 201
    rows = PortalInvitation.objects.filter(person=person)
    rows.update(used_at=timezone.now())
    assert refused(rows, used_at=None)


def test_what_is_not_yet_decided_can_be_decided(glass, auditor):
    rows = GlassBreak.objects.filter(pk=glass.pk)
    assert not refused(rows, acknowledged_at=timezone.now())
    assert not refused(
        rows, verdict="justified", review_comment="ok", reviewed_by=auditor, reviewed_at=timezone.now()
    )
