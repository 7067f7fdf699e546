"""The accompanied person's own space: their consents, the teams that follow them, their receipts.

Every function starts from the signed-in account and reaches only the person linked to it (or, for a
representative whose scope includes consents, the person they act for): there is no person id to
tamper with. Every read is recorded like a worker's (R5); every change is an action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from access import wording as readership_wording
from access.grants import readership_of
from access.own_space import ScopeNeeded, access_own, access_own_person
from access.reach import reached_by_id
from access.reach_consents import access_consent
from access.readership import Reading
from audit import recorder
from audit.disclosure import Selection
from audit.models import Action
from audit.recorder import Event
from consent.consents import selectors, services
from consent.emergency import services as glass
from consent.information import texts
from consent.models import Consent, GlassBreak, Method, Receipt, SpaceReset, Status
from consent.notices import inbox, news
from core.domain_errors import Invalid
from records.models import FollowUp, Person
from teams.models import Category, Team, User


def my_consents(*, user: User) -> Selection[Consent]:
    person = access_own_person(user, action=Action.PORTAL_CONSENTS, scope_needed=ScopeNeeded.CONSENTS)
    return selectors.history_of(user, person, action=Action.PORTAL_CONSENTS)


@dataclass(frozen=True)
class Line:
    """One kind of information a team's mission may need: whether the team sees it now, and why
    (``reading``, from the policy's readership: R11), and whether the person shares it (``shared``,
    their consent, which the buttons change)."""

    category: Category
    shared: bool
    reading: Reading | None

    @property
    def seen(self) -> str:
        """What the page says of it: the team sees it (by consent, or through an emergency access
        until its end), or does not."""
        if self.reading is None:
            return _("this team does not see it.")
        if self.reading.glass_break_id is not None:
            return _("this team sees it through an emergency access, until %(end)s.") % {
                "end": readership_wording.when(self.reading.ends_at)  # type: ignore[arg-type]
            }
        return _("this team sees it.")


@dataclass
class TeamOffer:
    """A team that follows the person: what its mission may need, what the person agreed to, and
    what the team sees now (``reads``, from the policy's readership: R11)."""

    team: Team
    needs: list[Category]
    current: Consent | None = None
    shared: list[str] = field(default_factory=list)
    ends_soon: bool = False  # the current consent ends within 30 days: the page offers to renew it
    reads: dict[str, Reading] = field(default_factory=dict)

    @property
    def lines(self) -> list[Line]:
        return [Line(c, c.code in self.shared, self.reads.get(c.code)) for c in self.needs]

    @property
    def kept_out(self) -> str:
        """The members of this team the person keeps out of what it sees (from the readership)."""
        return ", ".join(next((r.kept_out for r in self.reads.values() if r.kept_out), ()))


def _offers(person: Person) -> list[TeamOffer]:
    follow_ups = FollowUp.objects.filter(person=person, closed_at__isnull=True).select_related(
        "team__organisation"
    )
    teams = {f.team_id: f.team for f in follow_ups}
    needs = Team.continuity_categories.through.objects.filter(team_id__in=teams).select_related("category")
    offers = {team_id: TeamOffer(team=team, needs=[]) for team_id, team in teams.items()}
    for row in needs.order_by("category_id"):
        offers[row.team_id].needs.append(row.category)
    current = (
        Consent.objects.filter(
            person=person, team_id__in=teams, superseded_by__isnull=True, withdrawal__isnull=True
        )
        # Its status is read from the same row: whether a withdrawal or a newer version ends it.
        .select_related("information", "withdrawal", "superseded_by")
        .order_by("id")
    )
    soon = timezone.now() + news.ENDING_WITHIN
    readership = readership_of(person.pk)
    for offer in offers.values():
        offer.reads = readership.of_team(offer.team.pk)
    running = [consent for consent in current if consent.status == Status.CURRENT]
    codes: dict[int, list[str]] = {consent.pk: [] for consent in running}
    shared = Consent.categories.through.objects.filter(consent_id__in=list(codes)).values_list(
        "consent_id", "category__code"
    )
    for consent_id, code in shared if codes else ():  # the codes only: no category is built
        codes[consent_id].append(code)
    for consent in running:
        offers[consent.team_id].current = consent
        offers[consent.team_id].shared = sorted(codes[consent.pk])
        offers[consent.team_id].ends_soon = bool(consent.valid_until and consent.valid_until <= soon)
    return sorted(offers.values(), key=lambda o: o.team.name)


def my_teams(*, user: User) -> list[TeamOffer]:
    """The teams that follow the person, each with the categories it may ask for and the current consent."""
    person = access_own_person(user, action=Action.PORTAL_CONSENTS, scope_needed=ScopeNeeded.CONSENTS)
    return _recorded_offers(user, person)


@dataclass
class Space:
    """The first page of the person's space: the teams, the news, the emergencies to acknowledge."""

    offers: list[TeamOffer]
    unread: int
    emergencies: list[GlassBreak]
    restriction: SpaceReset | None = None  # reopened with a worker's code, not yet confirmed (R10)


def my_space(*, user: User) -> Space:
    """``my_teams``, how many notices the person has not read yet, and the emergency accesses to
    their information they have not acknowledged (a banner until they do)."""
    access = access_own(user, action=Action.PORTAL_CONSENTS, scope_needed=ScopeNeeded.CONSENTS)
    offers = _recorded_offers(user, access.person)
    restriction = access.reset if access.restricted else None
    if access.representative is not None:  # the inbox and the banners are the person's own
        return Space(offers, 0, [], restriction)
    return Space(
        offers, inbox.unread_count(access.person), glass.unacknowledged(access.person.pk), restriction
    )


def _recorded_offers(user: User, person: Person) -> list[TeamOffer]:
    offers = _offers(person)
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_CONSENTS,
            person_id=person.pk,
            object_type="team",
            object_ids=sorted(o.team.pk for o in offers),
        ),
    )
    return offers


@recorder.action
def give_consent(
    *,
    user: User,
    team_id: int,
    categories: list[str],
    purpose: str,
    valid_until: datetime | None = None,
    renewing: int | None = None,
    information: int | None = None,
) -> Consent:
    """The person gives (or changes, or refuses) their consent themselves. ``information`` is the
    text their space showed them; the pages show the current one in the page's language, which is
    the one recorded when they do not say. The legal basis is not the person's to choose: it is
    the one the team's consents were recorded on (``consent.information.texts.basis_for``)."""
    person = access_own_person(user, action=Action.CONSENT_RECORD, scope_needed=ScopeNeeded.CONSENTS)
    if information is None:
        shown = texts.current_text(get_language())
        information = shown.pk if shown else None
    return services.record_consent(
        user=user,
        person_id=person.pk,
        team_id=team_id,
        categories=categories,
        purpose=purpose,
        method=Method.PORTAL,
        valid_until=valid_until,
        renewing=renewing,
        information=information,
        legal_basis=texts.basis_for(person.pk, team_id),
    )


@recorder.action
def change_sharing(
    *, user: User, team_id: int, category: str, share: bool, information: int | None = None
) -> TeamOffer:
    """Share one more kind of information with a team, or stop sharing one: a new consent replaces
    the current one (R7), with the same purpose and end date. Stopping the last one withdraws it."""
    person = access_own_person(user, action=Action.CONSENT_RECORD, scope_needed=ScopeNeeded.CONSENTS)
    offer = next((o for o in _offers(person) if o.team.pk == team_id), None)
    if offer is None:
        raise Invalid("team", _("This team does not follow you."))
    shared = set(offer.shared) | {category} if share else set(offer.shared) - {category}
    if not shared and offer.current is not None:
        services.withdraw_consent(user=user, consent_id=offer.current.pk, method=Method.PORTAL)
    else:
        give_consent(
            user=user,
            team_id=team_id,
            categories=sorted(shared),
            purpose=offer.current.purpose if offer.current else _("Continuity of my support"),
            valid_until=offer.current.valid_until if offer.current else None,
            information=information,
        )
    return offer


def team_reads_now(*, user: User, team_id: int) -> dict[str, Reading]:
    """What a team reads of the person now, by category (the policy's readership): what the message
    after a change of the person's says, since an emergency access for a danger to life reads past
    a withdrawal (R11). Nothing of the person is disclosed: it is their own space."""
    person = access_own_person(user, action=Action.PORTAL_CONSENTS, scope_needed=ScopeNeeded.CONSENTS)
    return readership_of(person.pk).of_team(team_id)


def consent_to_stop(*, user: User, consent_id: int) -> Consent:
    """The consent "stop sharing everything" would withdraw, reached as the withdrawal reaches it
    (its refusals recorded, another person's a 404): asked before the confirmation is read, so that
    an id that is not the caller's answers the same whatever the body says (R9)."""
    return access_consent(user, consent_id, action=Action.CONSENT_WITHDRAW)


def _record_receipts(user: User, person: Person, receipts: Sequence[Receipt]) -> Sequence[Receipt]:
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_RECEIPTS,
            person_id=person.pk,
            object_type="consent",
            object_ids=sorted({r.consent_id for r in receipts}),
        ),
    )
    return receipts


def my_receipts(*, user: User) -> Selection[Receipt]:
    person = access_own_person(user, action=Action.PORTAL_RECEIPTS, scope_needed=ScopeNeeded.CONSENTS)
    receipts = Receipt.objects.filter(consent__person=person).select_related("consent__team").order_by("-id")
    return Selection(rows=receipts, record=lambda page: _record_receipts(user, person, page))


DEFAULT_RENEWAL = timedelta(days=365)


@recorder.action
def renew_consent(*, user: User, consent_id: int) -> Consent:
    """Renew a consent of one's own that has an end date, in one step: a new version with the same
    categories and purpose, for as long again as the one it replaces but at least a year (as an
    authorisation to the DMP), with its receipt. The end of the old one stays exact: it is
    superseded, not extended."""
    person = access_own_person(user, action=Action.CONSENT_RECORD, scope_needed=ScopeNeeded.CONSENTS)
    # Another person's consent is as if it did not exist; the attempt names its person (R9).
    consent: Consent = reached_by_id(
        user,
        Action.CONSENT_RECORD,
        Consent.objects.prefetch_related("categories"),
        consent_id,
        object_type="consent",
        belongs=lambda found: found.person_id == person.pk,
    )
    if consent.status != Status.CURRENT:
        raise Invalid("consent", _("Only a consent of yours that is still running can be renewed."))
    if consent.valid_until is None:
        raise Invalid("consent", _("This consent has no end date: it does not need renewing."))
    length = consent.valid_until - consent.recorded_at
    return give_consent(
        user=user,
        team_id=consent.team_id,
        categories=sorted(c.code for c in consent.categories.all()),
        purpose=consent.purpose,
        valid_until=timezone.now() + max(length, DEFAULT_RENEWAL),
        renewing=consent.pk,
    )
