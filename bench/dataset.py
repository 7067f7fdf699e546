"""The benchmarks' world: teams, a member in four of them, persons followed by two teams each,
consents for most, and their notes; the same for every benchmark so their figures compare.

Import it once Django is set up."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from audit import recorder
from consent.information.texts import current_text
from consent.models import Consent, LegalBasis
from records.models import FollowUp, Note, Person, PersonGroupObjectPermission
from teams import services as team_services
from teams.models import Category, Membership, Organisation, User

TEAMS = 6
CATEGORIES = [
    "contact",
    "housing",
    "support_plan",
    "administrative",
    "health",
    "addiction",
    "justice",
    "family",
]
MEASURED_NOTES = 250  # half of them in categories the member may read: 125, a full page


def build(persons: int, notes_per_person: int, teams, member, author, start: int) -> list[int]:
    """Add ``persons`` persons followed by two teams each, consents for most, and their notes."""
    categories = {c.code: c for c in Category.objects.all()}
    perm = Permission.objects.get(codename="follow_person")
    # What the person was told and the law the teams share under, as every consent records now.
    informed = {"information": current_text("fr"), "legal_basis": LegalBasis.CSP_L1110_4}
    new = Person.objects.bulk_create(
        [Person(display_name=f"Personne {start + i}", phone=f"06 {i:08d}") for i in range(persons)]
    )
    grants, follow_ups, consents = [], [], []
    for i, person in enumerate(new):
        for team in (teams[i % TEAMS], teams[(i + 1) % TEAMS]):
            grants.append(
                PersonGroupObjectPermission(content_object=person, group_id=team.group_id, permission=perm)
            )
            follow_ups.append(FollowUp(person=person, team=team))
            if i % 5:  # one person in five has not consented
                consents.append(
                    Consent(
                        person=person,
                        team=team,
                        purpose="continuité",
                        method="oral",
                        recorded_by=member,
                        **informed,
                    )
                )
    PersonGroupObjectPermission.objects.bulk_create(grants)
    FollowUp.objects.bulk_create(follow_ups)
    consents = Consent.objects.bulk_create(consents)
    through = Consent.categories.through
    through.objects.bulk_create(
        [
            through(consent=c, category=categories[code])
            for c in consents
            for code in ("contact", "housing", "support_plan")
        ]
    )
    notes = []
    for i, person in enumerate(new):
        count = MEASURED_NOTES if i in (1, 2, 3) else notes_per_person
        for j in range(count):
            notes.append(
                Note(
                    person=person,
                    team=teams[i % TEAMS],
                    author=author,
                    category=categories[("housing", "support_plan", "health", "justice")[j % 4]],
                    body=f"Transmission {j} : rendez-vous, démarches et nouvelles de la semaine. " * 3,
                )
            )
    Note.objects.bulk_create(notes, batch_size=2000)
    with connection.cursor() as cursor:  # as autovacuum would, once the data has settled
        cursor.execute("ANALYZE")
    return [p.pk for p in new[1:4]]


def world() -> tuple[list, User, User]:
    """Six teams, a member of four of them (commitment accepted), and an author for the notes."""
    system = recorder.system("bench")
    organisation = Organisation.objects.create(
        name="Association du banc d'essai",
        legal_name="Association du banc d'essai",
        data_protection_contact="dpo@example.org",
        postal_address="1 rue de l'Essai, 59000 Lille",
    )
    teams = [
        team_services.create_team(
            by=system,
            name=f"Équipe {i}",
            continuity_categories=CATEGORIES[:4],
            organisation_id=organisation.pk,
        )
        for i in range(TEAMS)
    ]
    member = User.objects.create(username="bench", organisation=organisation)
    author = User.objects.create(username="author", organisation=organisation)
    for team in teams[:4]:
        team_services.add_member(by=system, team=team, user=member)
    Membership.objects.filter(user=member).update(commitment_accepted_at=timezone.now())
    return teams, member, author
