import json
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.expressions import BodyChain, BodyInteger, BodyText, BodyTime


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("allowed")
    DENIED = "denied", _("denied")


class Action(models.TextChoices):
    """Every kind of event the recorder writes; the value is what the log stores."""

    AUTH_LOGIN = "auth.login", _("signed in")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("failed sign-in")
    AUTH_TOKEN_REVOKE = "auth.token_revoke", _("API token revoked")
    AUTH_PASSWORD = "auth.password", _("password checked, second step asked")
    MFA_ENROL = "mfa.enrol", _("second factor enrolled")
    MFA_REMOVE = "mfa.remove", _("second factor removed")
    MFA_RECOVERY_CODES = "mfa.recovery_codes", _("recovery codes made")
    MFA_RECOVERY_CODE_USE = "mfa.recovery_code_use", _("recovery code used")
    MFA_RESET = "mfa.reset", _("second factor reset started")
    ACCOUNT_CODE = "account.code", _("account setup or recovery code made")
    ACCOUNT_OPEN = "account.open", _("account opened with a setup or recovery code")
    REQUEST_REFUSED = "request.refused", _("request refused")
    PERSON_LIST = "person.list", _("persons listed")
    PERSON_VIEW = "person.view", _("person viewed")
    PERSON_CREATE = "person.create", _("person created")
    PERSON_UPDATE = "person.update", _("contact details changed")
    NOTE_LIST = "note.list", _("notes listed")
    NOTE_VIEW = "note.view", _("note read")
    NOTE_CREATE = "note.create", _("note written")
    NOTE_CORRECT = "note.correct", _("note corrected")
    FOLLOW_UP_OPEN = "follow_up.open", _("follow-up opened")
    FOLLOW_UP_CLOSE = "follow_up.close", _("follow-up closed")
    CONSENT_VIEW = "consent.view", _("consents viewed")
    CONSENT_RECORD = "consent.record", _("consent recorded")
    CONSENT_WITHDRAW = "consent.withdraw", _("consent withdrawn")
    CONSENT_EVIDENCE = "consent.consents.evidence", _("consent form downloaded")
    RECEIPT_VIEW = "receipt.view", _("receipt viewed")
    PORTAL_INVITE = "portal.invite", _("portal code made")
    PORTAL_ACTIVATE = "portal.activate", _("personal space opened")
    PORTAL_RESET = "portal.reset", _("personal space given a new password")
    SPACE_RESET_CONFIRM = "space_reset.confirm", _("reset of a personal space confirmed by its owner")
    SPACE_RESET_LIST = "space_reset.list", _("resets of personal spaces listed for review")
    SPACE_RESET_REVIEW = "space_reset.review", _("reset of a personal space reviewed")
    PORTAL_CONSENTS = "portal.consents", _("own consents viewed")
    PORTAL_ACCESS_LOG = "portal.access_log", _("own journal viewed")
    PORTAL_RECEIPTS = "portal.receipts", _("own receipts viewed")
    PORTAL_EXPORT = "portal.export", _("own data downloaded")
    PORTAL_NOTICES = "portal.notices", _("own notices viewed")
    NOTICE_READ = "notice.read", _("notices marked as read")
    NOTICE_EMAIL = "notice.email", _("e-mail for notices chosen")
    GLASS_BREAK = "glass_break.open", _("emergency access opened")
    GLASS_BREAK_LIST = "glass_break.list", _("emergency accesses listed for review")
    GLASS_BREAK_REVIEW = "glass_break.review", _("emergency access reviewed")
    GLASS_BREAK_ACKNOWLEDGE = "glass_break.acknowledge", _("emergency access acknowledged by the person")
    GLASS_BREAK_END = "glass_break.end", _("emergency access ended")
    DISAGREEMENT_RECORD = "disagreement.record", _("disagreement written for the person")
    DISAGREEMENT_LIST = "disagreement.list", _("disagreements listed for an answer")
    DISAGREEMENT_ANSWER = "disagreement.answer", _("disagreement answered")
    PORTAL_DISAGREEMENTS = "portal.disagreements", _("own disagreements viewed")
    REPRESENTATIVE_RECORD = "representative.record", _("representative recorded")
    REPRESENTATIVE_LIST = "representative.list", _("representatives viewed")
    REPRESENTATIVE_END = "representative.end", _("representative's role ended")
    EXCLUSION_RECORD = "exclusion.record", _("member kept out of the person's record")
    EXCLUSION_LIST = "exclusion.list", _("members kept out viewed")
    EXCLUSION_LIFT = "exclusion.lift", _("member let back into the person's record")
    NOTE_HIDE = "note.hide", _("note hidden by the person")
    NOTE_SHOW = "note.show", _("hidden note shown again by the person")
    PORTAL_NOTES = "portal.notes", _("own notes viewed")
    AUDIT_VIEW = "audit.view", _("access log viewed")
    AUDIT_EXPORT = "audit.export", _("access log exported")
    AUDIT_VERIFY = "audit.verify", _("access log verified")
    AUDIT_PURGE = "audit.purge", _("old events purged")
    AUDIT_CHAIN_START = "audit.chain_start", _("chain of the log started")
    ACCOUNT_CREATE = "account.create", _("account created")
    ACCOUNT_UPDATE = "account.update", _("account changed")
    ORGANISATION_CREATE = "organisation.create", _("organisation created")
    ORGANISATION_UPDATE = "organisation.update", _("organisation changed")
    TEAM_CREATE = "team.create", _("team created")
    TEAM_UPDATE = "team.update", _("team changed")
    MEMBERSHIP_ADD = "membership.add", _("member added")
    MEMBERSHIP_UPDATE = "membership.update", _("member changed")
    MEMBERSHIP_REMOVE = "membership.remove", _("member removed")
    MEMBERSHIP_PRESENTATION = "membership.presentation", _("own presentation changed")
    COMMITMENT_ACCEPT = "commitment.accept", _("commitment accepted")
    CATEGORY_CREATE = "category.create", _("category created")
    CATEGORY_UPDATE = "category.update", _("category changed")
    PORTAL_CODE_CANCEL = "portal.code_cancel", _("portal code cancelled")
    KEYS_ROTATE = "keys.rotate", _("field keys rotated")
    INFORMATION_PUBLISH = "information.publish", _("information text published")
    RETENTION_NOTICE = "retention.notice", _("person told that their file will be archived or erased")
    RETENTION_ARCHIVE = "retention.archive", _("person's file archived")
    RETENTION_ERASE = "retention.erase", _("person's file erased")
    RETENTION_COUNT = "retention.count", _("archived and erased files counted")


class AccessEvent(models.Model):
    """One access to person data (or to the log itself), stored as the exact bytes its hash covers.

    ``body`` is the event, as canonical ASCII JSON; ``hash`` links it to the previous event (R6).
    The columns that filters and indexes need are generated by the database from ``body`` and
    cannot be written, so a verified body is a verified row: verification never re-serialises.
    References are plain integers, not foreign keys: the log must outlive what it names and must
    never be touched by a cascade.
    """

    body = models.TextField()
    hash = models.CharField(max_length=64)
    chain = models.GeneratedField(
        expression=BodyChain(), output_field=models.BigIntegerField(), db_persist=True
    )
    seq = models.GeneratedField(
        expression=BodyInteger("seq"), output_field=models.BigIntegerField(), db_persist=True
    )
    occurred_at = models.GeneratedField(
        expression=BodyTime("t"), output_field=models.DateTimeField(), db_persist=True
    )
    actor_id = models.GeneratedField(
        expression=BodyInteger("actor"), output_field=models.BigIntegerField(), db_persist=True
    )
    team_id = models.GeneratedField(
        expression=BodyInteger("team"), output_field=models.BigIntegerField(), db_persist=True
    )
    person_id = models.GeneratedField(
        expression=BodyInteger("person"), output_field=models.BigIntegerField(), db_persist=True
    )
    consent_id = models.GeneratedField(
        expression=BodyInteger("consent"), output_field=models.BigIntegerField(), db_persist=True
    )
    action = models.GeneratedField(
        expression=BodyText("action"), output_field=models.CharField(max_length=40), db_persist=True
    )
    outcome = models.GeneratedField(
        expression=BodyText("outcome"), output_field=models.CharField(max_length=8), db_persist=True
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="event_chain_seq_unique")]
        indexes = [
            models.Index(fields=["occurred_at"], name="event_time"),
            models.Index(fields=["person_id", "id"], name="event_person"),
            models.Index(fields=["actor_id", "id"], name="event_actor"),
            models.Index(fields=["team_id", "id"], name="event_team"),
            models.Index(fields=["action", "id"], name="event_action"),
            models.Index(fields=["outcome", "id"], name="event_outcome"),
            # Each reader's first read of a person (the person's inbox asks at every visit to their
            # space): read from the index alone, not from every event of the person.
            models.Index(
                fields=["person_id", "actor_id", "id"],
                include=["action"],
                condition=models.Q(outcome="allowed", actor_id__isnull=False),
                name="event_person_readers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data['action']} {self.data['outcome']} #{self.pk}"

    @cached_property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data

    @property
    def glass_break_id(self) -> int | None:
        """The emergency access that allowed this read (or that this event is about), if any."""
        value = self.data.get("glass_break")
        return value if isinstance(value, int) else None

    @property
    def actor_label(self) -> str:
        value: str = self.data["actor_label"]
        return value

    @property
    def reason(self) -> str:
        value: str = self.data["reason"]
        return value

    @property
    def object_type(self) -> str:
        value: str = self.data["object_type"]
        return value

    @property
    def object_ids(self) -> list[int | str]:
        ids: list[int | str] = self.data["object_ids"]
        return ids

    @property
    def categories(self) -> list[str]:
        categories: list[str] = self.data["categories"]
        return categories

    @property
    def request_id(self) -> str:
        value: str = self.data["request_id"]
        return value

    @property
    def ip(self) -> str | None:
        value: str | None = self.data["ip"]
        return value

    @property
    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = self.data.get("changes", {})
        return changes


class ChainHead(models.Model):
    """One chain of the log (its id is the chain's number), as a row an append locks. The log is
    several chains side by side, so that appends do not all queue behind one lock: an append takes
    whichever chain is free and holds it until its transaction ends, so a chain never forks and its
    order is its commit order. The row holds nothing else: a chain's head is its last event, so the
    row never changes (a row moved by every append left thousands of dead versions to scan)."""

    def __str__(self) -> str:
        return f"chain {self.pk}"


class Anchor(models.Model):
    """Where a chain resumes after a purge: the signed seq and hash of its last purged event."""

    chain = models.BigIntegerField(default=1)
    seq = models.BigIntegerField()
    last_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    payload = models.TextField()
    signature = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="anchor_chain_seq_unique")]

    def __str__(self) -> str:
        return f"anchor of chain {self.chain} at {self.seq}"


class PurgePermit(models.Model):
    """Present only inside ``purge_audit``'s transaction: the delete trigger lets through the events
    of ``chain`` up to ``up_to_seq`` while a permit exists, and refuses every other delete."""

    chain = models.BigIntegerField(default=1)
    up_to_seq = models.BigIntegerField()

    def __str__(self) -> str:
        return f"purge permit for chain {self.chain} up to {self.up_to_seq}"
