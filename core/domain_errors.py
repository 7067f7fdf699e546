"""The domain's own errors, raised by the policy and the services.

``web.error_responses`` turns each of them into an HTTP answer, once, for the API and for pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_detail = _("The request cannot be carried out.")

    def __init__(self, detail: object = None):
        self.detail = detail if detail is not None else self.default_detail
        super().__init__(str(self.detail))


class Refusal(DomainError):
    """An access refused to the reader: recorded as a denied attempt wherever it is raised (R5)."""

    status = 403


class Hidden(Refusal):
    """R9: what the reader may not see answers exactly as if it did not exist."""

    status = 404
    default_detail = _("No such record.")


class NotAMember(Refusal):
    default_detail = _("Person data is reserved to members of a support team.")


class NotAnAuditor(Refusal):
    default_detail = _("The access log is reserved to auditors.")


class NotAManager(Refusal):
    default_detail = _("This is reserved to managers.")


class ContactNotShared(Refusal):
    default_detail = _("The person has not agreed to share their contact details with your teams.")


class NotTheAuthor(Refusal):
    default_detail = _("Only its author can correct a note.")


class NotAPortalAccount(Refusal):
    default_detail = _("This is the space of an accompanied person; this account has none.")


class OutOfScope(Refusal):
    default_detail = _("Your role for this person does not include this.")


class SecretNotYours(Refusal):
    """R10: nobody chooses or sees another account's secret."""

    default_detail = _(
        "Nobody chooses another account's password. Deactivate the account, end its sessions, or "
        "start a recovery that its owner completes."
    )


class RestrictedAfterReset(Refusal):
    """R10: a space reopened with a code its worker handed over reads no more than that worker's
    teams, until the cooling period ends or the person confirms."""

    default_detail = _(
        "Your space was reopened with a code a worker handed over. For a few days, or until you "
        "confirm it is you with your previous password, it does not show the copy of your data and "
        "cannot give a consent or change your e-mail address."
    )


class CommitmentRequired(Refusal):
    default_detail = _(
        "Before your first access to person data, read and accept your team's confidentiality "
        "commitment (POST /api/v1/me/commitment/)."
    )


class SignInRefused(Refusal):
    """A sign-in through the organisation's identity provider that opens no session here: the
    message says why, in words its holder can act on."""

    default_detail = _("The sign-in through your organisation did not complete; nobody is signed in.")


class NotIndependent(Refusal):
    """Separation of duties: an emergency access is reviewed by someone it does not concern."""

    default_detail = _(
        "An emergency access is reviewed by an auditor who did not open it and is not a member of its team."
    )


class TooManyAttempts(Refusal):
    """Sign-ins stopped for a while, for this account or this address."""

    status = 429
    default_detail = _(
        "Too many failed attempts: sign-ins are stopped for 15 minutes. Ask a manager if it lasts."
    )


class Invalid(DomainError):
    """Bad input, with a message per field."""

    status = 400

    def __init__(self, field: str, message: object):
        super().__init__({field: [message]})


class Conflict(DomainError):
    status = 409


class Unavailable(DomainError):
    """Something the answer depends on cannot be reached: nothing is shown or saved."""

    status = 503
    default_detail = _("The service cannot answer just now, so nothing was shown or saved. Try again.")


class AuditUnavailable(Unavailable):
    default_detail = _("The access log cannot be written just now, so nothing was shown or saved. Try again.")
