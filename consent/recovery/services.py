"""Getting back into a space that is already open (issue 19, R10): a worker's code must never let
its maker in.

A person (or their representative) who lost the password of their space asks a worker for a code.
- If the person gave an address for notices, the code is e-mailed there and the worker never sees it.
- Otherwise the worker hands it over in person, as for a first code (many persons have no e-mail
  and no phone), and the space it reopens is *restricted* (``access.own_space.is_restricted``): it
  shows no copy of the data (every team's notes) and no journal of other teams' reads, until the
  cooling period (``RELAIS_RESET_COOLING_HOURS``) has passed or the person confirms from the space
  with what the worker cannot have: the password the space had before.

Either way the reset is a ``SpaceReset`` that names the code's maker: the event of the reset names
them, every act of the space in its first hours names the reset and the maker, the person is told by
every channel they have (inbox, e-mail), and auditors review each reset like an emergency access.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import archived, organisations
from access.auditors import access_auditor, reached_by_auditor
from access.own_space import is_restricted, watched_reset
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.models import Notice, PortalInvitation, SpaceReset
from consent.notices import email as notice_email
from consent.notices import inbox
from core.domain_errors import Invalid, TooManyAttempts
from records.models import Person
from teams import sign_in_limits
from teams.models import User


def goes_by_email(person: Person) -> bool:
    """Whether a code for this person's space goes to the address they gave for notices: only for a
    space already open (a first code has no past to protect, and no address yet)."""
    return person.account_id is not None and person.notify_by_email and bool(person.notice_email)


def send_code(person: Person, code: str, invitation: PortalInvitation) -> None:
    """E-mail the code to the person's address for notices, after the commit of the act that made it."""
    address = person.notice_email
    transaction.on_commit(lambda: notice_email.send_code(address, code, invitation.expires_at))


def record_reset(*, account: User, invitation: PortalInvitation, previous_password: str) -> SpaceReset:
    """A step of the activation that gives an open space a new password: the reset, restricted if
    the code was handed over by its maker, and the person told. The activation records the event."""
    now = timezone.now()
    restricted = not invitation.sent_by_email
    reset = SpaceReset.objects.create(
        invitation=invitation,
        person_id=invitation.person_id,
        representative_id=invitation.representative_id,
        account=account,
        code_made_by_id=invitation.created_by_id,
        by_email=invitation.sent_by_email,
        reset_at=now,
        watched_until=now + timedelta(hours=settings.RELAIS_RESET_COOLING_HOURS),
        restricted=restricted,
        previous_password=previous_password if restricted else "",
    )
    inbox.tell(
        invitation.person_id,
        Notice.Kind.SPACE_RESET,
        actor_id=invitation.created_by_id,
        representative_id=invitation.representative_id,
    )
    return reset


def restriction(*, user: User) -> SpaceReset | None:
    """The reset that restricts this account's space now, if any (the banner of the space)."""
    reset = watched_reset(user)
    return reset if is_restricted(reset) else None


@recorder.action
def confirm(*, user: User, previous_password: str) -> SpaceReset:
    """The person confirms, from their reopened space, that it is theirs: with the password the space
    had before the reset, which the code's maker cannot know. The restriction ends at once. A wrong
    password is a recorded refusal and counts toward the account's stop on signing in."""
    reset = restriction(user=user)
    if reset is None:
        raise Invalid("previous_password", _("Your space is not restricted: there is nothing to confirm."))
    if sign_in_limits.account_stopped(user.username):
        raise TooManyAttempts()
    if not check_password(previous_password, reset.previous_password):
        sign_in_limits.note_failure(user.username, None)
        recorder.deny(
            user,
            Action.SPACE_RESET_CONFIRM,
            person_id=reset.person_id,
            object_type="space_reset",
            object_ids=[reset.pk],
            reason="not the previous password",
        )
        raise Invalid("previous_password", _("This is not the password your space had before."))
    now = timezone.now()
    SpaceReset.objects.filter(pk=reset.pk).update(confirmed_at=now, previous_password="")
    recorder.record(
        user,
        Event(
            action=Action.SPACE_RESET_CONFIRM,
            person_id=reset.person_id,
            object_type="space_reset",
            object_ids=[reset.pk],
            representative_id=reset.representative_id,
        ),
    )
    reset.refresh_from_db()
    return reset


# The auditors' queue ------------------------------------------------------------------------------


def review_queue(*, user: User, waiting_only: bool = True) -> QuerySet[SpaceReset]:
    """Resets of open spaces for auditors, oldest waiting first (or every one, newest first); the
    listing is recorded. It names persons by number only, like the emergency accesses' queue."""
    auditor = access_auditor(user, Action.SPACE_RESET_LIST, object_type="space_reset")
    rows = SpaceReset.objects.select_related("code_made_by", "reviewed_by", "representative")
    # A reset answers to the organisation of the worker who made its code.
    rows = archived.about_unarchived(organisations.audited(auditor, rows, "code_made_by__"))
    rows = rows.filter(reviewed_at__isnull=True).order_by("reset_at", "pk") if waiting_only else rows
    recorder.record(user, Event(action=Action.SPACE_RESET_LIST, object_type="space_reset"))
    return rows


def to_review(*, user: User, reset_id: int) -> SpaceReset:
    """The reset an auditor is about to review, or a recorded refusal (403 for anyone but an auditor,
    404 for one that does not exist)."""
    reset: SpaceReset = reached_by_auditor(
        user,
        Action.SPACE_RESET_REVIEW,
        lambda auditor: archived.about_unarchived(
            organisations.audited(auditor, SpaceReset.objects.all(), "code_made_by__")
        ),
        reset_id,
        object_type="space_reset",
    )
    return reset


@recorder.action
def review(*, user: User, reset_id: int, verdict: str, comment: str) -> SpaceReset:
    """An auditor's verdict on a reset (justified or not), with a comment; an event naming the reset
    and the code's maker."""
    reset = to_review(user=user, reset_id=reset_id)
    if reset.reviewed_at is not None:
        raise Invalid("verdict", _("This reset has been reviewed already."))
    if verdict not in SpaceReset.Verdict.values:
        raise Invalid("verdict", _("Justified, or not justified."))
    comment = comment.strip()
    if not comment:
        raise Invalid("comment", _("Say in a few words what the verdict rests on."))
    reset.verdict, reset.review_comment = verdict, comment[:2000]
    reset.reviewed_by, reset.reviewed_at = user, timezone.now()
    reset.save(update_fields=["verdict", "review_comment", "reviewed_by", "reviewed_at"])
    recorder.record(
        user,
        Event(
            action=Action.SPACE_RESET_REVIEW,
            person_id=reset.person_id,
            object_type="space_reset",
            object_ids=[reset.pk],
            reason=verdict,
            space_reset_id=reset.pk,
            code_made_by=reset.code_made_by_id,
        ),
    )
    return reset
