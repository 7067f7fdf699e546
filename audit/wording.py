"""The log's stored codes in words: one mapping, for every reason the recorder can write (issue 21).

The log keeps codes (``danger_to_life``, ``by the person``, ``NotAMember``, ``stopped (account):
camille``) so that it reads the same in every language and its hash covers stable bytes. People
read words: this module turns a stored reason into the reader's language, once, for the auditors'
page and queues. A reason is one code, or several joined by "; " or ", ", or one of a few shapes
that carry a value (a username, a count). What is none of those (a filter an auditor typed, a
username) is shown as recorded. ``tests/audit/test_wording.py`` holds this mapping against every
code the application can write.

The log imports no app: the codes of the apps above it (an emergency access's reasons, its ends)
are written here as the plain strings the log stores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: Mapping[str, Promise] = {
    # reads and writes
    "author": _("own note"),
    "refusal": _("refusal"),
    "by the person": _("by the person"),
    # a note the person hid (issue 24): from one team, or from every team but its author's
    "from one team": _("hidden from one team"),
    "from every team but the author's": _("hidden from every team but the author's"),
    "in_person": _("the person was present"),
    "by_phone": _("the person was on the phone"),
    "representative": _("their representative was present"),
    # refusals, by the error that refused (``recorder.denials``)
    "Refusal": _("refused"),
    "Hidden": _("hidden or missing (404)"),
    "NotAMember": _("not a team member"),
    "CommitmentRequired": _("commitment not accepted yet"),
    "NotAnAuditor": _("not an auditor"),
    "NotAPortalAccount": _("not a person's account"),
    "NotAManager": _("not a manager"),
    "TooManyAttempts": _("too many attempts"),
    "ContactNotShared": _("contact details not shared"),
    "NotTheAuthor": _("not the note's author"),
    "OutOfScope": _("beyond the representative's role"),
    "SecretNotYours": _("another account's secret"),
    "RestrictedAfterReset": _("space restricted after a reset"),
    "SignInRefused": _("sign-in refused"),
    "NotIndependent": _("reviewer not independent"),
    # emergency access: its reasons, the rules' refusals, its ends, the verdicts
    "danger_to_life": _("danger to life"),
    "cannot_be_asked": _("the person cannot be asked"),
    "urgent_care": _("care that cannot wait"),
    "not_a_team_of_the_member": _("not a team of the member"),
    "team_does_not_follow": _("the team does not follow the person"),
    "switched_off": _("emergency access turned off"),
    "beyond_the_mission": _("beyond the team's mission"),
    "already_readable": _("already readable by the team"),
    "refused_by_the_person": _("refused or withdrawn by the person"),
    "time_passed": _("its time passed"),
    "follow_up_closed": _("the team stopped following the person"),
    "mission_narrowed": _("the team's mission no longer needs it"),
    "ended_early": _("ended early by a member of the team"),
    "justified": _("justified"),
    "not_justified": _("not justified"),
    # portal codes and spaces
    "unknown code": _("unknown code"),
    "used code": _("code already used"),
    "expired code": _("code expired"),
    "role ended": _("role ended"),
    "sent to the person's address": _("sent to the person's address"),
    "not the previous password": _("not the previous password"),
    # signing in
    "password": _("password"),
    "totp": _("authenticator app code"),
    "passkey": _("passkey"),
    "recovery code": _("recovery code"),
    "factor": _("second factor to give"),
    "enrol": _("second factor to set up"),
    "second factor": _("second factor"),
    "account code": _("account code"),
    "account code without its second factor": _("account code without its second factor"),
    "account": _("this account"),
    "address": _("this address"),
    "account and address": _("this account and this address"),
    "address and account": _("this address and this account"),
    "this token": _("this token"),
    "lost factor": _("lost second factor"),
    "new totp": _("new authenticator app"),
    "new passkey": _("new passkey"),
    "new password": _("new password chosen"),
    "setup": _("account set-up"),
    "both": _("lost password and second factor"),
    "through OIDC": _("through the organisation's sign-in"),
    "through OIDC, first time: identity linked": _(
        "through the organisation's sign-in, first time: identity linked"
    ),
    "second step asked": _("second step asked"),
    "failed": _("did not complete"),
    "unverified": _("address not confirmed"),
    "not matched": _("no account linked"),
    "portal account": _("a person's space"),
    "deactivated": _("account deactivated"),
    "not staff": _("no team or role"),
    "superuser": _("service administrator"),
    "another identity": _("linked to another identity"),
    # the log itself, commands
    "stream of JSON lines started": _("stream of JSON lines started"),
    "ok": _("chain intact"),
    "broken": _("chain broken"),
}


def _code(text: str) -> str:
    return str(REASONS.get(text, text))


# Reasons that carry a value: the pattern, and how to word its parts.
SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^(?:through OIDC, )?stopped \((?P<why>[^)]*)\): (?P<who>.*)$"),
        lambda m: str(_("sign-ins stopped for %(why)s: %(who)s")) % {"why": _code(m["why"]), "who": m["who"]},
    ),
    (
        re.compile(r"^through OIDC \((?P<why>[^)]*)\): (?P<who>.*)$"),
        lambda m: (
            str(_("organisation's sign-in refused (%(why)s): %(who)s"))
            % {"why": _code(m["why"]), "who": m["who"]}
        ),
    ),
    (
        re.compile(r"^given password, no second factor to check: (?P<who>.*)$"),
        lambda m: str(_("password given, no second factor to check: %(who)s")) % {"who": m["who"]},
    ),
    (
        re.compile(r"^(?P<kind>totp|passkey), after a reset started by a manager$"),
        lambda m: str(_("%(kind)s, after a reset started by a manager")) % {"kind": _code(m["kind"])},
    ),
    (
        re.compile(r"^(?P<what>[a-z][a-z ]+): (?P<who>[^:]*)$"),
        lambda m: (
            str(_("%(what)s: %(who)s")) % {"what": _code(m["what"]), "who": m["who"]}
            if m["what"] in REASONS
            else m[0]
        ),
    ),
    (
        re.compile(r"^(?P<count>\d+) left$"),
        lambda m: str(_("%(count)s recovery codes left")) % {"count": m["count"]},
    ),
    (
        re.compile(r"^all tokens \((?P<count>\d+)\)$"),
        lambda m: str(_("all tokens (%(count)s)")) % {"count": m["count"]},
    ),
    (
        re.compile(r"^(?P<why>ok|broken); (?P<count>\d+) checked$"),
        lambda m: str(_("%(why)s, %(count)s events checked")) % {"why": _code(m["why"]), "count": m["count"]},
    ),
    (
        re.compile(r"^(?P<count>\d+) events; (?P<rest>.*)$"),
        lambda m: str(_("%(count)s events; %(filters)s")) % {"count": m["count"], "filters": m["rest"]},
    ),
    (
        re.compile(r"^(?P<purpose>\w+), code made by account (?P<who>\w+)$"),
        lambda m: (
            str(_("%(purpose)s, code made by account %(who)s"))
            % {"purpose": _code(m["purpose"]), "who": m["who"]}
        ),
    ),
    (
        re.compile(r"^(?P<error>[A-Z]\w+) on (?P<route>.*)$"),
        lambda m: str(_("%(why)s, on %(route)s")) % {"why": _code(m["error"]), "route": m["route"]},
    ),
]


def _part(text: str) -> str:
    if text in REASONS:
        return str(REASONS[text])
    for pattern, word in SHAPES:
        match = pattern.match(text)
        if match:
            return word(match)
    pieces = text.split(", ")
    if len(pieces) > 1 and all(piece in REASONS for piece in pieces):
        return ", ".join(str(REASONS[piece]) for piece in pieces)
    return text


def reason_label(reason: str) -> str:
    """A stored reason in the reader's words; what it does not know, as recorded."""
    if not reason:
        return ""
    if any(pattern.match(reason) for pattern, _word in SHAPES):
        return _part(reason)
    return "; ".join(_part(part) for part in reason.split("; "))


def known(reason: str) -> bool:
    """Whether ``reason`` is worded (for the test that holds the mapping against every code)."""
    if any(pattern.match(reason) for pattern, _word in SHAPES):
        return True
    return all(
        part in REASONS
        or any(pattern.match(part) for pattern, _word in SHAPES)
        or all(piece in REASONS for piece in part.split(", "))
        for part in reason.split("; ")
    )
