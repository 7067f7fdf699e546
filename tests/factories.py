"""Factories for the tests: real rows, created through the services where a rule depends on it."""

from __future__ import annotations

import factory
from django.db import connection
from django.utils import timezone
from guardian.shortcuts import assign_perm

from audit import recorder
from consent.consents import services as consent_services
from consent.information.first_texts import FIRST_VERSION, publish_into
from consent.models import Consent, InformationText, LegalBasis
from core.text import fold
from records.models import FollowUp, Note, Person
from teams import services as team_services
from teams.models import Category, Membership, Organisation, Team, User

PASSWORD = "correct horse battery staple"
# On PostgreSQL a read first takes a shared lock on the consents it relies on (one statement): a
# withdrawal waits for the reads in flight, and the reads that come after it wait for it.
CONSENT_LOCK_QUERIES = 1 if connection.vendor == "postgresql" else 0
# Set-up done by the tests acts as a command run on the server would.
SYSTEM = recorder.system("tests")


def make_organisation(name: str = "Association Relais", **kwargs) -> Organisation:
    """An organisation, found again by its name (the tests' one organisation unless they name another)."""
    organisation, _created = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "legal_name": kwargs.pop("legal_name", f"{name} (association loi 1901)"),
            "data_protection_contact": kwargs.pop("data_protection_contact", "dpo@relais.example"),
            "postal_address": kwargs.pop("postal_address", "1 rue de la Paix, 75002 Paris"),
            **kwargs,
        },
    )
    return organisation


class UserFactory(factory.django.DjangoModelFactory):
    """An account of the tests' one organisation; an auditor made here reads the whole deployment, as
    every auditor did before organisations (tests of an organisation's auditor say so)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="fr_FR")
    organisation = factory.LazyFunction(make_organisation)
    is_auditor = False
    audits_deployment = factory.LazyAttribute(lambda user: user.is_auditor)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def make_team(
    name: str | None = None,
    categories: tuple[str, ...] = ("contact", "housing", "support_plan"),
    organisation: Organisation | None = None,
) -> Team:
    name = name or f"Équipe {Team.objects.count() + 1}"
    return team_services.create_team(
        by=SYSTEM,
        name=name,
        continuity_categories=list(categories),
        organisation_id=(organisation or make_organisation()).pk,
    )


def make_member(
    team: Team, *, peer: bool = False, accepted: bool = True, profession: str = "", **kwargs
) -> User:
    kwargs.setdefault("organisation", team.organisation)
    user = UserFactory(**kwargs)
    team_services.add_member(
        by=SYSTEM,
        team=team,
        user=user,
        profession=profession or ("pair-aidant" if peer else "éducatrice spécialisée"),
        is_peer_worker=peer,
    )
    if accepted:
        Membership.objects.filter(user=user).update(commitment_accepted_at=timezone.now())
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    display_name = factory.Faker("first_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    phone = factory.Faker("phone_number", locale="fr_FR")
    email = factory.Faker("email")
    address = factory.Faker("address", locale="fr_FR")
    name_key = factory.LazyAttribute(lambda p: fold(p.display_name))
    identity_key = factory.LazyAttribute(lambda p: fold(f"{p.first_name} {p.last_name}".strip()))


def follow(person: Person, team: Team) -> FollowUp:
    """Open a follow-up: the history row and the guardian grant on the team's group."""
    assign_perm("records.follow_person", team.group, person)
    return FollowUp.objects.create(person=person, team=team)


def make_person(*teams: Team, **kwargs) -> Person:
    person = PersonFactory(**kwargs)
    for team in teams:
        follow(person, team)
    return person


def make_note(person: Person, author: User, team: Team, category: str = "housing", body: str = "") -> Note:
    return Note.objects.create(
        person=person,
        author=author,
        team=team,
        category=Category.objects.get(code=category),
        body=body or f"Note {category} pour {person.display_name}",
    )


def information_text(language: str = "fr", *, easy_read: bool = False) -> InformationText:
    """Version 1 of the information text, as the migration published it (again, after a flush: one
    query when it is there, as it nearly always is; a world's bodies ask for it thousands of times)."""
    wanted = {"version": FIRST_VERSION, "language": language, "easy_read": easy_read}
    found = InformationText.objects.filter(**wanted).first()
    if found is None:
        publish_into(InformationText)
        found = InformationText.objects.get(**wanted)
    return found


def informed(**overrides) -> dict:
    """What a consent's form or API body says of the information given and the legal basis."""
    return {"information": information_text().pk, "legal_basis": LegalBasis.CSP_L1110_4} | overrides


def give_consent(person: Person, team: Team, categories, *, by: User, **kwargs) -> Consent:
    """Record a consent through the service, as a member of a following team would (with the
    person present: for another team than the member's own, the service asks who is there; having
    given the person the information text, on the Public Health Code's basis)."""
    kwargs.setdefault("presence", "in_person")
    kwargs.setdefault("confirmed", True)
    if "information" not in kwargs:
        kwargs["information"] = information_text().pk
    kwargs.setdefault("legal_basis", LegalBasis.CSP_L1110_4)
    return consent_services.record_consent(
        user=by,
        person_id=person.pk,
        team_id=team.pk,
        categories=list(categories),
        purpose=kwargs.pop("purpose", "continuité de l'accompagnement"),
        method=kwargs.pop("method", "oral"),
        **kwargs,
    )


def make_portal_account(person: Person, username: str | None = None) -> User:
    """The person's own account, as activation leaves it."""
    user = UserFactory(
        username=username or f"portal{person.pk}", display_name=person.display_name, organisation=None
    )
    Person.objects.filter(pk=person.pk).update(account=user)
    person.account = user
    return user


def write_events(count: int, **fields) -> None:
    """Append ``count`` events to the chain in one go, as a command would."""
    from audit import recorder
    from audit.recorder import Event

    recorder.record(
        recorder.system("tests"),
        *(
            Event(action=fields.get("action", "person.view"), person_id=fields.get("person_id", i))
            for i in range(count)
        ),
    )


def make_representative(
    person: Person,
    *,
    by: User,
    kind: str = "trusted_person",
    scope: str = "both",
    name: str = "Marie Dupont",
    username: str | None = None,
):
    """A representative recorded by a worker and whose space is open: (representation, account)."""
    from consent.representation import services as representatives
    from consent.space import activation

    agent, code, _invitation = representatives.record_representative(
        user=by,
        person_id=person.pk,
        name=name,
        kind=kind,
        scope=scope,
        evidence="Désignation écrite du 3 mars",
    )
    account = activation.activate(code=code, username=username or f"rep{agent.pk}", password=PASSWORD)
    agent.refresh_from_db()
    return agent, account


def representative_of(person: Person, by: User, *, kind: str = "trusted_person", scope: str = "both"):
    """A representative whose space is open, written straight to the tables (a cheap world for the
    tests that call every endpoint; ``make_representative`` goes through the services)."""
    from consent.models import Representative

    account = UserFactory(username=f"agent{person.pk}", display_name="Marie", organisation=None)
    return Representative.objects.create(
        person=person,
        name="Marie",
        kind=kind,
        scope=scope,
        evidence="Désignation écrite",
        recorded_by=by,
        account=account,
    )
