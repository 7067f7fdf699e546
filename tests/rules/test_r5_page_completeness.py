"""R5, completeness of the pages: every page of the URL resolver, asked by every kind of user, answers
the status it should and writes exactly the events it should (count, action, outcome, person), and
nothing else; forms are sent valid and invalid. A new page fails
``test_every_page_of_the_resolver_has_expectations`` until its row is written here.

The API has the same test over its schema (``test_r5_completeness``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import AccessEvent
from consent import services as consent_services
from consent.evidence import EvidenceFile
from teams.models import Category
from tests.factories import (
    UserFactory,
    give_consent,
    make_member,
    make_note,
    make_person,
    make_portal_account,
    make_team,
)

KINDS = (
    "anonymous",
    "member",
    "peer",
    "elsewhere",  # a member of a team that does not follow the person
    "newcomer",  # a member whose commitment is pending
    "manager",
    "auditor",
    "superuser",
    "person",  # the person's own portal account
)
MEMBERS = ("member", "peer")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Rollback(Exception):
    pass


def page_routes(patterns=None, prefix="", namespace=None) -> list[tuple[str, str]]:
    """(name, route) of every page: the URL resolver's patterns outside the API (``/api/v1/``)."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += page_routes(pattern.url_patterns, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and not route.startswith("api/v1/"):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or route)
            found.append((name if pattern.name else f"{namespace}:{route}", route))
    return found


@pytest.fixture
def w(team, other_team, person, worker, peer):
    """The person Jo, followed by Maraude Nord, who shares housing and contact with it; every kind of user."""
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    consent_services.invite_to_portal(user=worker, person_id=person.pk)
    scanned = give_consent(
        make_person(team, display_name="Scan"),
        team,
        ["housing"],
        by=worker,
        method="written",
        evidence=EvidenceFile("form.png", PNG),
    )
    code, _ = consent_services.invite_to_portal(user=worker, person_id=make_person(team).pk)
    elsewhere_team = make_team("Ailleurs", ("housing",))
    users = {
        "anonymous": None,
        "member": worker,
        "peer": peer,
        "elsewhere": make_member(elsewhere_team),
        "newcomer": make_member(team, accepted=False),
        "manager": UserFactory(is_manager=True, username="direction"),
        "auditor": UserFactory(is_auditor=True, username="audit"),
        "superuser": UserFactory(is_superuser=True, is_staff=True, username="root"),
        "person": make_portal_account(person, "jo"),
    }
    return {
        "P": person.pk,
        "person": person,
        "team": team,
        "other_team": other_team,
        "consent": consent,
        "scanned": scanned,
        "note": make_note(person, worker, team, "housing"),
        "code": code,
        "users": users,
        "category": Category.objects.get(code="housing"),
        "invitation": person.portal_invitations.get(),
    }


@dataclass(frozen=True)
class Call:
    """One way of asking a page: a method, and for a POST, what is sent."""

    method: str = "get"
    data: dict = field(default_factory=dict)
    label: str = ""


def ev(action, outcome="allowed", person=None):
    return (action, outcome, person)


def written_by(kind: str, url: str, call: Call, w: dict) -> tuple[int, list[tuple]]:
    client = Client()
    user = w["users"][kind]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        with transaction.atomic():
            response = getattr(client, call.method)(url, call.data)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            events = [
                (e.action, e.outcome, e.person_id)
                for e in AccessEvent.objects.filter(id__gt=mark).order_by("id")
                if not e.action.startswith("auth.login")  # force_login signs in without a password
            ]
            raise Rollback()
    except Rollback:
        pass
    return response.status_code, events
