"""Consents and their history, receipts, evidence; the person's representatives, portal codes and
the resets of their spaces; notices and emergency accesses.

Long on purpose: these are the records of one app, read together when a rule about the person's
space changes (who acts for them, who may open or reopen it, what they are told), and each table
carries the constraints that make its rules impossible to break in the database too (one first
consent per team, one receipt per event, a review by someone else, an end with its reason).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class Status(models.TextChoices):
    """Where a consent stands. The API gives the value; pages and the portal word it."""

    CURRENT = "current", _("current")
    SUPERSEDED = "superseded", _("replaced")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("ended")


class Method(models.TextChoices):
    ORAL = "oral", _("oral")
    WRITTEN = "written", _("written")
    PORTAL = "portal", _("through the portal")


class LegalBasis(models.TextChoices):
    """Why the law lets the teams process and share this data, recorded on each consent. Each pairs the
    GDPR's exception for health and social care (art. 9(2)(h)) with the French rule on shared secrecy
    that applies to the team: care and medico-social teams (CSP), or social action (CASF)."""

    CSP_L1110_4 = (
        "csp_l1110_4",
        _("GDPR art. 9(2)(h) and Public Health Code art. L.1110-4 (care and medico-social support)"),
    )
    CASF_L121_6_2 = (
        "casf_l121_6_2",
        _("GDPR art. 9(2)(h) and Social Action and Families Code art. L.121-6-2 (social action)"),
    )


class InformationText(models.Model):
    """What the person is told before they consent: the text they saw or were read, in one language,
    plain or easy to read. Published once and never edited (the service's role may only insert it):
    a new wording is a new version, so that every consent names the exact words its person was given."""

    version = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    easy_read = models.BooleanField(_("easy to read"), default=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["language", "easy_read", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language", "easy_read"], name="information_one_text")
        ]

    def __str__(self) -> str:
        return f"information {self.version} {self.language}{' easy' if self.easy_read else ''}"


class Consent(models.Model):
    """A person's consent to share categories with a team. Never edited (R7).

    A change is a new consent that ``supersedes`` the previous one of the same person and team; the
    one-to-one keeps each chain linear even under concurrent writes. No categories means refusal.
    """

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="consents")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="consents")
    categories = models.ManyToManyField("teams.Category", blank=True, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=300)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # Given by a representative for the person ("given by X for Y"): ``recorded_by`` is their account.
    representative = models.ForeignKey(
        "Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the person was told, and on what basis (issue 24). Consents recorded before Relais kept
    # them say so (``before_information``) rather than pretend to know.
    information = models.ForeignKey(
        InformationText, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, blank=True)
    before_information = models.BooleanField(default=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "team"],
                condition=models.Q(supersedes__isnull=True),
                name="consent_one_first",
            ),
            models.CheckConstraint(
                condition=Q(before_information=False, information__isnull=False) & ~Q(legal_basis="")
                | Q(before_information=True, information__isnull=True, legal_basis=""),
                name="consent_informed_on_a_basis",
            ),
        ]
        indexes = [models.Index(fields=["person", "team"], name="consent_person_team")]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    @property
    def status(self) -> Status:
        """Derived from the record (a withdrawal, a newer consent, the end date), never stored."""
        if getattr(self, "withdrawal", None):
            return Status.WITHDRAWN
        if getattr(self, "superseded_by", None):
            return Status.SUPERSEDED
        if self.valid_until and self.valid_until <= timezone.now():
            return Status.EXPIRED
        return Status.CURRENT


class Withdrawal(models.Model):
    """The end of a consent. A row of its own, so that the consent itself is never edited."""

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="withdrawal")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    representative = models.ForeignKey(
        "Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"withdrawal of consent #{self.consent_id}"


class Receipt(models.Model):
    """A signed record of a consent given or withdrawn; ``payload`` holds the exact signed bytes."""

    class Event(models.TextChoices):
        GIVEN = "given", _("given")
        WITHDRAWN = "withdrawn", _("withdrawn")

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="receipts")
    event = models.CharField(max_length=16, choices=Event.choices)
    payload = models.TextField()
    signature = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consent", "event"], name="receipt_one_per_event")]

    def __str__(self) -> str:
        return f"receipt {self.event} #{self.consent_id}"


# How a role the person ended themselves was stored before it was worded on display (both languages).
ENDED_IN_THEIR_SPACE = (
    "",
    "Ended by the person in their space.",
    "Fin décidée par la personne dans son espace.",
)


class Representative(models.Model):
    """Someone who acts in the portal with, or for, the person: a trusted person (personne de
    confiance) the person chose, or the holder of a legal mandate (tutelle, curatelle). FHIR R5 calls
    them the consent's grantor and manager. A worker records it with its evidence; the account is a
    portal account of its own, opened by a one-time code, that serves this one person only, so that
    no session ever mixes two persons. It never reads notes (``access.own_space``)."""

    class Kind(models.TextChoices):
        TRUSTED_PERSON = "trusted_person", _("trusted person")
        GUARDIAN = "guardian", _("guardian (tutelle)")
        CURATOR = "curator", _("curator (curatelle)")

    class Scope(models.TextChoices):
        CONSENTS = "consents", _("manage consents")
        JOURNAL = "journal", _("read the journal")
        BOTH = "both", _("manage consents and read the journal")

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    evidence = EncryptedTextField(_("evidence"))
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representation",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_evidence = EncryptedTextField(_("evidence of the end"), blank=True, default="")

    class Meta:
        ordering = [models.F("ended_at").asc(nulls_first=True), "-recorded_at", "-id"]  # current first
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")

    def __str__(self) -> str:
        return f"representative #{self.pk}"

    @property
    def end_told(self) -> str:
        """What ended the role, in the reader's language: the evidence a worker gave, or, when the
        person ended it themselves (kept empty, or in the words older versions stored), said so."""
        if self.end_evidence in ENDED_IN_THEIR_SPACE:
            return str(_("Ended by the person in their space."))
        return self.end_evidence

    @property
    def is_legal(self) -> bool:
        """A legal mandate is ended by a worker, with evidence; a trusted person's role also by the person."""
        return self.kind != self.Kind.TRUSTED_PERSON


class PortalInvitation(models.Model):
    """A one-time code to open a portal account, for the person or for their representative; only its
    hash is kept."""

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="portal_invitations")
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Sent to the address the person gave for notices: its maker never saw it (R10).
    sent_by_email = models.BooleanField(_("sent by e-mail"), default=False)

    class Meta:
        verbose_name = _("portal code")
        verbose_name_plural = _("portal codes")

    def __str__(self) -> str:
        return f"portal invitation #{self.pk}"


class SpaceReset(models.Model):
    """A space already open, given a new password with a worker's code (R10, ``consent.recovery.services``).

    A code handed over by the worker (the person gave no address for notices) reopens the space
    *restricted*: no other team's notes, no copy of the data, no journal of other teams' reads, until
    ``watched_until`` or until the person confirms with what the worker cannot have (the space's
    previous password, whose hash is kept for that alone and cleared once used). Until
    ``watched_until`` every act of the space names the reset and the code's maker. Auditors review
    each reset, like an emergency access."""

    class Verdict(models.TextChoices):
        JUSTIFIED = "justified", _("justified")
        NOT_JUSTIFIED = "not_justified", _("not justified")

    invitation = models.OneToOneField(PortalInvitation, on_delete=models.PROTECT, related_name="reset")
    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="space_resets")
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code_made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("code made by")
    )
    by_email = models.BooleanField(default=False)
    reset_at = models.DateTimeField()
    watched_until = models.DateTimeField()
    restricted = models.BooleanField(default=False)
    previous_password = models.CharField(max_length=128, blank=True, default="")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-reset_at", "-id"]
        indexes = [models.Index(fields=["account", "watched_until"], name="reset_account_watch")]

    def __str__(self) -> str:
        return f"space reset #{self.pk}"


class Evidence(models.Model):
    """A scan or photo of the signed consent form, encrypted at rest like any person data (R8)."""

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="evidence")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    content = EncryptedTextField()  # base64 of the file's bytes
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"evidence of consent #{self.consent_id}"


class WithdrawalEvidence(models.Model):
    """A scan or photo of a signed withdrawal, kept like the consent's own evidence (R8): the person
    who withdraws in writing leaves a paper as the one who consents does (issue 21)."""

    withdrawal = models.OneToOneField(Withdrawal, on_delete=models.PROTECT, related_name="evidence")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    content = EncryptedTextField()  # base64 of the file's bytes
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"evidence of the withdrawal of consent #{self.withdrawal.consent_id}"


class Notice(models.Model):
    """Something the person should know, in their inbox: read or not yet. The wording is the portal's
    (``consent.notices.inbox``), in the person's language; a notice holds references, never text."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("a team started following you")
        CONSENT_RECORDED = "consent_recorded", _("a worker recorded your consent")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("a worker recorded the withdrawal of your consent")
        CONSENT_ENDING = "consent_ending", _("a consent is about to end")
        FIRST_READER = "first_reader", _("someone read your information for the first time")
        GLASS_BROKEN = "glass_broken", _("a team opened an emergency access to your information")
        REPRESENTATIVE_RECORDED = "representative", _("someone was recorded as acting for you")
        REPRESENTATIVE_ENDED = "representative_end", _("someone no longer acts for you")
        SPACE_RESET = "space_reset", _("your space was given a new password with a worker's code")
        DISAGREEMENT_ANSWERED = "disagreement_answered", _("an auditor answered your disagreement")
        RECORD_ARCHIVING = "record_archiving", _("your file will be archived")
        RECORD_ERASING = "record_erasing", _("your file will be erased")

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who acted for the person, when a representative did (or the representation told of).
    representative = models.ForeignKey(
        "Representative", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    happened_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # When what the notice announces happens, at the earliest (the retention job's archiving, erasure).
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        constraints = [
            # Told once: the end of a consent, and each reader's first read.
            models.UniqueConstraint(
                fields=["consent"], condition=models.Q(kind="consent_ending"), name="notice_one_ending"
            ),
            models.UniqueConstraint(
                fields=["person", "actor"],
                condition=models.Q(kind="first_reader"),
                name="notice_one_first_read",
            ),
        ]
        indexes = [models.Index(fields=["person", "read_at"], name="notice_person_unread")]

    def __str__(self) -> str:
        return f"notice {self.kind} #{self.pk}"


class GlassBreak(models.Model):
    """An emergency access ("breaking the glass"): a member opens, for their team and a few hours,
    categories of a person that no consent shares with it, for a reason from a short list and a
    sentence. Every read under it names it in the log; the person is told; an auditor reviews it."""

    class Reason(models.TextChoices):
        DANGER_TO_LIFE = "danger_to_life", _("danger to life")
        CANNOT_BE_ASKED = "cannot_be_asked", _("the person cannot be asked")
        URGENT_CARE = "urgent_care", _("care that cannot wait")

    class Verdict(models.TextChoices):
        JUSTIFIED = "justified", _("justified")
        NOT_JUSTIFIED = "not_justified", _("not justified")

    class EndReason(models.TextChoices):
        """Why an emergency access ended (issue "Written in stone", §7): once ended, it stays ended."""

        TIME_PASSED = "time_passed", _("its time passed")
        SWITCHED_OFF = "switched_off", _("the team's managers turned emergency access off")
        FOLLOW_UP_CLOSED = "follow_up_closed", _("the team stopped following the person")
        MISSION_NARROWED = "mission_narrowed", _("the team's mission no longer needs what it opened")
        ENDED_EARLY = "ended_early", _("a member of the team ended it before its time")

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="glass_breaks")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="glass_breaks")
    categories = models.ManyToManyField("teams.Category", related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    statement = EncryptedTextField(_("why, in a sentence"))
    opened_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField(_("ends at"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)  # by the person, in their space
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)
    # Its end on the record, written once (``consent.emergency``): the end time passing, the glass turned
    # off, the follow-up closed or the mission narrowed. Nothing revives an ended access.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(_("why it ended"), max_length=24, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["person", "team", "ends_at"], name="glass_person_team_end")]
        constraints = [
            # Separation of duties (§5): the service refuses it first; the database makes it impossible.
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("opened_by")),
                name="glass_reviewed_by_another",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="glass_end_has_its_reason",
            ),
            models.CheckConstraint(
                condition=Q(verdict="", reviewed_at__isnull=True)
                | (Q(reviewed_at__isnull=False) & ~Q(verdict="")),
                name="glass_verdict_when_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"glass break #{self.pk}"


class Disagreement(models.Model):
    """ "I do not agree" (issue 21, item 11): the person, or a representative for them within the
    journal's scope, says why they disagree with an emergency access to their information or with a
    line of their journal; it reaches the auditors, whose answer the person reads in their space.
    The line is named by its event's id, a plain integer like every reference to the log."""

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="disagreements")
    glass_break = models.ForeignKey(
        GlassBreak, null=True, blank=True, on_delete=models.PROTECT, related_name="disagreements"
    )
    event_id = models.BigIntegerField(null=True, blank=True)
    statement = EncryptedTextField(_("why, in their words"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = EncryptedTextField(_("answer"), blank=True, default="")

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["answered_at", "written_at"], name="disagreement_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(glass_break__isnull=False, event_id__isnull=True)
                | Q(glass_break__isnull=True, event_id__isnull=False),
                name="disagreement_about_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True)
                | Q(answered_at__isnull=False, answered_by__isnull=False),
                name="disagreement_answer_has_its_author",
            ),
        ]

    def __str__(self) -> str:
        return f"disagreement #{self.pk}"


class Exclusion(models.Model):
    """ "Not this person" (issue 24, item 1): the person names one member of a following team who must
    not read their record. It names an individual account, never a role or a profession (R3): the
    member's team keeps reading, the member gets the 404 of a person they do not follow
    (``access.exclusions``). Recorded by the person in their space or by a worker with them; the
    person may lift it, which is a column set once (the row stays, for the journal)."""

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="exclusions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = [models.F("lifted_at").asc(nulls_first=True), "-recorded_at", "-id"]  # current first
        constraints = [
            models.UniqueConstraint(
                fields=["person", "member"],
                condition=Q(lifted_at__isnull=True),
                name="exclusion_once_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="exclusion_lifted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"exclusion #{self.pk}"


class NoteHiding(models.Model):
    """ "Not this note" (issue 24, item 2): the person hides one note about them from every team but
    its author's (``team`` empty), or from one team, as the DMP's masking does. The author's team
    decides nothing about it; the author reads their own note still (R1). The note stays in the log
    and in the person's own copy of their data; showing it again is a column set once."""

    person = models.ForeignKey("records.Person", on_delete=models.CASCADE, related_name="note_hidings")
    note = models.ForeignKey("records.Note", on_delete=models.PROTECT, related_name="hidings")
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["note", "lifted_at"], name="note_hiding_current")]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="note_hiding_lifted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"note hiding #{self.pk}"
