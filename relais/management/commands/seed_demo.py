"""A realistic French demo: two organisations each running a team (an association's street
outreach, another's addiction care centre), each with its manager and auditor, and the deployment's
auditor; peer workers (one of whom chose not to show his peer role) and colleagues, persons with and
without consent, a consent ending in ten days, a withdrawn consent, notes in several categories, an
emergency access waiting for review, and a portal account whose inbox has news.

Running it again changes nothing: every piece is looked up before it is made.
"""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import recorder
from consent.consents import services as consent_services
from consent.emergency import services as glass
from consent.information.first_texts import FIRST_VERSION, publish_into
from consent.models import Consent, InformationText, LegalBasis, Method, Representative
from consent.representation import services as representatives
from consent.space import activation
from records import follow_ups
from records import services as record_services
from records.models import Note, Person
from teams import accounts
from teams import services as team_services
from teams.models import Category, Membership, Organisation, Team, User

SYSTEM = recorder.system("seed_demo")

PASSWORD = "relais-demo-2026"

# Each organisation is the data controller of its team's records: persons are told whom to write to.
ORGANISATIONS = {
    "Le Relais du Nord": {
        "legal_name": "Association Le Relais du Nord (loi 1901)",
        "data_protection_contact": "Délégué à la protection des données, dpo@relaisdunord.example",
        "postal_address": "Le Relais du Nord, DPO, 8 rue Gosselet, 59000 Lille",
    },
    "Horizon Addictions": {
        "legal_name": "Association Horizon Addictions (loi 1901), gestionnaire du CSAPA Horizon",
        "data_protection_contact": "Déléguée à la protection des données, dpo@horizon-addictions.example",
        "postal_address": "Horizon Addictions, DPO, 21 boulevard Vauban, 59000 Lille",
    },
}
TEAMS = {
    "Maraude Nord": ("Le Relais du Nord", ["contact", "housing", "support_plan", "administrative"]),
    "CSAPA Horizon": ("Horizon Addictions", ["contact", "health", "addiction", "support_plan"]),
}
MEMBERS = [
    ("camille", "Camille Martin", "Maraude Nord", "éducatrice spécialisée", False),
    ("sami", "Sami Benali", "Maraude Nord", "travailleur pair", True),
    ("nadia", "Nadia Keller", "CSAPA Horizon", "infirmière", False),
    ("yves", "Yves Dupré", "CSAPA Horizon", "médiateur de santé pair", True),
]
# How members chose to be presented: Sami keeps his peer role to himself for now ("intervenant");
# Yves tells it.
PRESENTATIONS = {"sami": ("intervenant", False), "yves": ("médiateur de santé", True)}
# The deployment's auditor (the territory's) reads every organisation's log; each organisation has
# its own manager and auditor, who reach that organisation only.
OTHERS = [
    ("audit", "Agnès Roux (auditrice du territoire)", None, {"is_auditor": True, "audits_deployment": True}),
    ("direction", "Marc Lefèvre (direction, Le Relais du Nord)", "Le Relais du Nord", {"is_manager": True}),
    ("audit-nord", "Paul Garnier (audit, Le Relais du Nord)", "Le Relais du Nord", {"is_auditor": True}),
    ("direction-horizon", "Léa Fontaine (direction, Horizon)", "Horizon Addictions", {"is_manager": True}),
    ("audit-horizon", "Inès Morel (audit, Horizon)", "Horizon Addictions", {"is_auditor": True}),
]
PERSONS: list[dict[str, Any]] = [
    {
        "display_name": "Jo",
        "first_name": "Joëlle",
        "last_name": "Marchand",
        "birth_date": date(1979, 3, 14),
        "phone": "06 12 34 56 78",
        "address": "Accueil de jour, 12 rue des Tanneurs, Lille",
    },
    {
        "display_name": "Karim",
        "first_name": "Karim",
        "last_name": "Bouzid",
        "birth_date": date(1990, 11, 2),
        "phone": "07 98 76 54 32",
    },
    {
        "display_name": "Sandrine",
        "first_name": "Sandrine",
        "last_name": "Leclerc",
        "birth_date": date(1985, 6, 30),
        "email": "sandrine.l@example.org",
    },
]
NOTES = [
    ("Jo", "camille", "housing", "Demande SIAO renouvelée ; Jo préfère un hébergement sans colocation."),
    ("Jo", "sami", "support_plan", "Rendez-vous CAF fixé jeudi 10 h, je l'accompagne."),
    ("Jo", "camille", "administrative", "Carte d'identité perdue : déclaration faite au commissariat."),
    ("Jo", "nadia", "health", "Suivi du traitement : bonne observance cette semaine."),
    (
        "Karim",
        "sami",
        "housing",
        "Dort dans sa voiture près du parc ; ne souhaite pas d'orientation pour l'instant.",
    ),
    ("Sandrine", "camille", "support_plan", "Souhaite reprendre une formation d'aide-soignante."),
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the credentials."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.RELAIS_ENV == "production":
            raise CommandError(
                "The demo's accounts share a public password: seed_demo is for development only."
            )
        self._password_hash = ""
        # One unit of work: the demo is all there, with its events, or not at all.
        with recorder.unit_of_work():
            self._load()
        self._print()

    def _load(self):
        organisations = {
            name: Organisation.objects.filter(name=name).first()
            or team_services.save_organisation(
                by=SYSTEM, organisation=Organisation(), name=name, **particulars
            )
            for name, particulars in ORGANISATIONS.items()
        }
        teams = {
            name: Team.objects.filter(name=name).first()
            or team_services.create_team(
                by=SYSTEM,
                name=name,
                continuity_categories=codes,
                organisation_id=organisations[organisation].pk,
            )
            for name, (organisation, codes) in TEAMS.items()
        }
        users = {}
        for username, label, team_name, profession, peer in MEMBERS:
            users[username] = self._user(username, label, organisation_id=teams[team_name].organisation_id)
            if not Membership.objects.filter(user=users[username], team=teams[team_name]).exists():
                team_services.add_member(
                    by=SYSTEM,
                    team=teams[team_name],
                    user=users[username],
                    profession=profession,
                    is_peer_worker=peer,
                )
            team_services.accept_commitment(user=users[username])
            if username in PRESENTATIONS:
                title, shown = PRESENTATIONS[username]
                team_services.present_myself(
                    user=users[username], team_id=teams[team_name].pk, title=title, peer_role_shown=shown
                )
        for username, label, organisation, flags in OTHERS:
            organisation_id = organisations[organisation].pk if organisation else None
            users[username] = self._user(username, label, organisation_id=organisation_id, **flags)
        if not Person.objects.exists():
            self._persons(teams, users)

    def _user(self, username, label, **flags):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.create_user(by=SYSTEM, username=username, display_name=label, **flags)
            # The demo's accounts share one public password, printed below: development only.
            if not self._password_hash:
                accounts.reset_access(user, PASSWORD)
                self._password_hash = user.password
            else:
                # Hashed once, stored for each: a hash takes half a second (PBKDF2's million rounds),
                # seven of them were half of a newcomer's wait for the demo. A new account has no
                # sign-in stop to lift, and the password was checked with the first.
                user.password = self._password_hash
                user.save(update_fields=["password"])
        return user

    def _persons(self, teams, users):
        maraude, csapa = teams["Maraude Nord"], teams["CSAPA Horizon"]
        camille, nadia = users["camille"], users["nadia"]
        persons = {}
        for fields in PERSONS:
            view = record_services.create_person(user=camille, team_id=maraude.pk, **fields)
            persons[fields["display_name"]] = view.person
        jo, sandrine = persons["Jo"], persons["Sandrine"]
        # CSAPA Horizon is another organisation's: Jo asks it to follow them, in their space.
        jo.account = self._user("jo", "Jo")
        jo.save(update_fields=["account"])
        follow_ups.ask_to_be_followed(user=jo.account, team_id=csapa.pk)
        publish_into(InformationText)  # published by consent's migration 0017, unless flushed since
        told = InformationText.objects.get(version=FIRST_VERSION, language="fr", easy_read=False)
        told_easy = InformationText.objects.get(version=FIRST_VERSION, language="fr", easy_read=True)
        consent_services.record_consent(
            user=camille,
            person_id=jo.pk,
            team_id=maraude.pk,
            categories=["contact", "housing", "support_plan", "administrative"],
            purpose="Continuité de l'accompagnement vers le logement",
            method=Method.ORAL,
            information=told.pk,
            legal_basis=LegalBasis.CASF_L121_6_2,
        )
        consent_services.record_consent(
            user=nadia,
            person_id=jo.pk,
            team_id=csapa.pk,
            categories=["health", "support_plan"],
            purpose="Coordination du suivi de soins",
            method=Method.WRITTEN,
            valid_until=timezone.now() + timedelta(days=10),  # to renew: "À renouveler", Jo's banner
            information=told_easy.pk,
            legal_basis=LegalBasis.CSP_L1110_4,
        )
        withdrawn = consent_services.record_consent(
            user=camille,
            person_id=sandrine.pk,
            team_id=maraude.pk,
            categories=["support_plan"],
            purpose="Projet de formation",
            method=Method.ORAL,
            information=told.pk,
            legal_basis=LegalBasis.CASF_L121_6_2,
        )
        consent_services.withdraw_consent(user=camille, consent_id=withdrawn.pk, method=Method.ORAL)
        for name, author, category, body in NOTES:
            team = maraude if users[author].memberships.filter(team=maraude).exists() else csapa
            if team == csapa and not Consent.objects.filter(person=persons[name], team=csapa).exists():
                continue
            Note.objects.create(
                person=persons[name],
                team=team,
                author=users[author],
                category_id=self._category_id(category),
                body=body,
            )
        # Karim, in hospital and out of reach, agreed to nothing yet: an emergency access waits for review.
        glass.break_glass(
            user=camille,
            person_id=persons["Karim"].pk,
            team_id=maraude.pk,
            categories=["contact", "housing"],
            reason="cannot_be_asked",
            statement="Karim est hospitalisé et injoignable : il faut organiser sa sortie avec l'hôpital.",
            hours=4,
        )
        self._representatives(camille, jo, sandrine)

    def _representatives(self, camille, jo, sandrine):
        """Jo chose her sister as her trusted person, who opened her own space; Sandrine's curator
        (curatelle) is recorded, with the judgement, and has not opened theirs yet."""
        lucie, code, _invitation = representatives.record_representative(
            user=camille,
            person_id=jo.pk,
            name="Lucie Marchand (sa sœur)",
            kind=Representative.Kind.TRUSTED_PERSON,
            scope=Representative.Scope.BOTH,
            evidence="Désignation écrite et signée par Jo le 2 octobre 2026, copie au dossier.",
        )
        activation.activate(code=code, username="lucie", password=PASSWORD)
        representatives.record_representative(
            user=camille,
            person_id=sandrine.pk,
            name="Association tutélaire du Nord",
            kind=Representative.Kind.CURATOR,
            scope=Representative.Scope.CONSENTS,
            evidence="Jugement du juge des contentieux de la protection de Lille, 14 mai 2026 (curatelle).",
        )

    @staticmethod
    def _category_id(code):
        return Category.objects.get(code=code).pk

    def _print(self):
        self.stdout.write(self.style.SUCCESS("Demo data ready. Every account's password: " + PASSWORD))
        rows = [(u, label) for u, label, *_ in MEMBERS] + [(u, label) for u, label, *_ in OTHERS]
        rows.append(("jo", "Jo (portal account of an accompanied person)"))
        rows.append(("lucie", "Lucie, Jo's trusted person (her own portal account)"))
        for username, label in rows:
            self.stdout.write(f"  {username:<17} {label}")
