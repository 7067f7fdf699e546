"""The e-mail that tells a person something happened in their space (``consent.notices.inbox``): what kind
of thing, and where to look; never what or who, so that whoever reads their mailbox learns nothing
more. Sent after the commit of the act it follows; a failure to send never reaches that act."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consent.models import Notice

logger = logging.getLogger(__name__)

EMAIL_SUBJECT = "Relais"


def send_by_email(notice_id: int) -> bool:
    """E-mail one notice to the person, if they still want e-mails; never raises: a notice not sent
    stays in the inbox, and ``send_pending`` tries again. Returns whether it was sent."""
    try:
        notice = Notice.objects.select_related("person").get(pk=notice_id, emailed_at__isnull=True)
        person = notice.person
        if not (person.notify_by_email and person.notice_email):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                EMAIL_SUBJECT + " : " + _("something new in your space"),
                email_text(notice.kind, by_representative=notice.representative_id is not None),
                None,
                [person.notice_email],
            )
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        return True
    except Exception:  # noqa: BLE001 — a mail server's failure must never reach the act it follows
        logger.warning(
            "notice %s: the e-mail could not be sent; it stays in the inbox", notice_id, exc_info=True
        )
        return False


def send_code(address: str, code: str, expires_at: datetime) -> bool:
    """E-mail a code for a new password to the address the person gave for notices: their worker
    never sees it (R10). Never raises: a code not received is made again. Returns whether it was sent."""
    where = settings.RELAIS_SITE_URL.rstrip("/") + reverse("portal-activation")
    try:
        with translation.override(settings.LANGUAGE_CODE):
            day = date_format(timezone.localtime(expires_at), "DATETIME_FORMAT")
            text = "\n\n".join(
                [
                    _("Hello,"),
                    _("Here is the code to choose a new password for your space: %(code)s") % {"code": code},
                    _("It works once, until %(day)s, at this address: %(where)s")
                    % {"day": day, "where": where},
                    _("If you did not ask for it, do nothing and tell your team: your password stays."),
                ]
            )
            send_mail(EMAIL_SUBJECT + " : " + _("a code for your space"), text, None, [address])
        return True
    except Exception:  # noqa: BLE001 — a mail server's failure must never reach the act it follows
        logger.warning("a code for a space could not be e-mailed; the worker can make another", exc_info=True)
        return False


def email_text(kind: str, *, by_representative: bool = False) -> str:
    """What an e-mail says: the kind of thing that happened and where to read it; no name, no team,
    no category, no note."""
    acted_for_you: dict[str, str] = {
        Notice.Kind.CONSENT_RECORDED: _("Someone who acts for you recorded a consent of yours."),
        Notice.Kind.CONSENT_WITHDRAWN: _("Someone who acts for you withdrew a consent of yours."),
    }
    happened: dict[str, str] = {
        Notice.Kind.FOLLOW_UP: _("A team has started to accompany you."),
        Notice.Kind.CONSENT_RECORDED: _("A worker recorded a consent of yours."),
        Notice.Kind.CONSENT_WITHDRAWN: _("A worker recorded the withdrawal of a consent of yours."),
        Notice.Kind.CONSENT_ENDING: _("One of your consents ends soon. You can renew it in one click."),
        Notice.Kind.FIRST_READER: _("Someone read your information for the first time."),
        Notice.Kind.GLASS_BROKEN: _("A team opened an emergency access to your information."),
        Notice.Kind.REPRESENTATIVE_RECORDED: _("Someone was recorded as acting for you in your space."),
        Notice.Kind.REPRESENTATIVE_ENDED: _("Someone no longer acts for you in your space."),
        Notice.Kind.DISAGREEMENT_ANSWERED: _("An answer to something you said you disagree with is there."),
        Notice.Kind.SPACE_RESET: _(
            "Your space was given a new password with a code from a worker. If it was not you, say so "
            "to your team."
        ),
        Notice.Kind.RECORD_ARCHIVING: _(
            "Your file in Relais will soon be put away: no team will read it any more. "
            "You can still see it in your space."
        ),
        Notice.Kind.RECORD_ERASING: _(
            "Your file in Relais will soon be erased. If you want a copy, download it from your space before."
        ),
    }
    what = (acted_for_you if by_representative else happened).get(kind) or _(
        "Something changed in your space."
    )
    where = settings.RELAIS_SITE_URL.rstrip("/") + reverse("portal-notices")
    return "\n\n".join(
        [
            _("Hello,"),
            what,
            _("To see what it is, sign in to your space: %(where)s") % {"where": where},
            _("This message says nothing more, so that nobody else who reads your e-mails learns more."),
        ]
    )
