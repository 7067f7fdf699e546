from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A kind of information; teams declare the ones their mission needs (R2)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    description_fr = models.CharField(_("description (French)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)

    class Meta:
        # The table kept its name when the registry moved here from records (a state-only migration).
        db_table = "records_category"
        ordering = ["id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        """Its label, in the reader's language: what the administration's pages show."""
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (French unless English is asked for)."""
        return self.label_en if get_language() == "en" else self.label_fr

    @property
    def description(self) -> str:
        return self.description_en if get_language() == "en" else self.description_fr


class Organisation(models.Model):
    """A structure (an association, a CSAPA, a CHRS, a local authority's service): the data controller
    of what its teams' workers record. Persons are told its name and how to reach it for their rights."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    data_protection_contact = models.CharField(
        _("data protection contact"),
        max_length=300,
        help_text=_("Who answers persons about their data, and how to reach them (an e-mail address, say)."),
    )
    postal_address = models.TextField(_("address persons can write to"))
    # How long the records its teams held are kept (issue 24): its own periods, or, empty, the
    # deployment's (``relais.retention.periods``).
    archive_after_years = models.PositiveSmallIntegerField(
        _("archive after (years)"),
        null=True,
        blank=True,
        help_text=_(
            "Years after a person's last follow-up ended before the record is archived; empty: the "
            "deployment's setting."
        ),
    )
    erase_after_years = models.PositiveSmallIntegerField(
        _("erase after (years)"),
        null=True,
        blank=True,
        help_text=_(
            "Years after the archiving before the record is erased; empty: the deployment's setting."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account. Roles are flags; none of them opens person data (R4). A manager and an
    organisation's auditor reach their organisation only (``teams.organisations``); the auditor of the
    whole deployment is one explicitly (``audits_deployment``)."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    is_auditor = models.BooleanField(_("auditor"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    # The staff's structure; none for a person's own space, a representative's, or the deployment's
    # administrators.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("organisation"),
    )
    audits_deployment = models.BooleanField(
        _("auditor of the whole deployment"),
        default=False,
        help_text=_("Reads the log of every organisation (the territory's auditor), not only its own."),
    )
    # Its holder chooses a new password at the next sign-in: someone else gave the one it has.
    password_change_required = models.BooleanField(_("new password to choose"), default=False)
    # A manager started the recovery of a lost second factor: its holder enrols a new one at the next
    # sign-in with their password (``teams.recovery``).
    factor_reset_required = models.BooleanField(_("second factor to enrol again"), default=False)

    @property
    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @staticmethod
    def label_of(row: Mapping[str, Any], prefix: str = "author__") -> str:
        """``label`` from a row read as values (``{prefix}display_name``, ``…first_name``, …), for
        lists that do not build a user per row."""
        full_name = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
        return row[prefix + "display_name"] or full_name or row[prefix + "username"]


DEFAULT_COMMITMENT = (
    "Je m'engage à respecter le secret professionnel partagé : je ne lis et ne transmets que les "
    "informations nécessaires à la continuité de l'accompagnement, avec l'accord de la personne, et je "
    "ne les communique à personne en dehors de l'équipe."
)


class Team(models.Model):
    """A team; its Django group holds the object permissions on the persons it follows."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teams", verbose_name=_("organisation")
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team", editable=False)
    continuity_categories = models.ManyToManyField(
        Category, blank=True, related_name="teams", verbose_name=_("continuity categories")
    )
    # The team's own text, in the team's language, which its manager may rewrite: content, not interface.
    commitment_text = models.TextField(_("confidentiality commitment"), default=DEFAULT_COMMITMENT)
    # Whether its members may break the glass (``consent.emergency.services``): its managers may turn it off.
    glass_break_allowed = models.BooleanField(_("emergency access allowed"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in a team. ``profession`` and ``is_peer_worker`` are descriptive only (R3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("account"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    profession = models.CharField(_("profession"), max_length=120, blank=True)
    is_peer_worker = models.BooleanField(_("peer worker"), default=False)
    # How the member chooses to be presented to persons and colleagues (``teams.presentation``):
    # a peer worker decides whether, and when, their peer role is told. Descriptive only (R3).
    title = models.CharField(_("title shown"), max_length=80, blank=True)
    peer_role_shown = models.BooleanField(_("peer role shown"), default=False)
    commitment_accepted_at = models.DateTimeField(_("commitment accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")]
        ordering = ["team__name", "user__username"]
        verbose_name = _("membership")

    def __str__(self) -> str:
        """What the administration shows of a membership: the member's name, in words."""
        return gettext("%(member)s, member of %(team)s") % {"member": self.user.label, "team": self.team.name}


class ProviderIdentity(models.Model):
    """The identity at an OpenID Connect provider that signs in to an account (``teams.oidc``),
    linked at its first sign-in and never changed: whoever edits the account's e-mail address
    afterwards cannot point the account to an identity of their own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_identities",
        verbose_name=_("account"),
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "issuer"], name="provider_identity_one_per_account"),
            models.UniqueConstraint(fields=["issuer", "subject"], name="provider_identity_one_account"),
        ]
        verbose_name = _("identity at the organisation's provider")

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class Passkey(models.Model):
    """A WebAuthn credential of an account (``teams.passkeys``): its public key, never a secret."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=80)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url, as browsers send it
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("passkey")

    def __str__(self) -> str:
        return self.name


class AccountCode(models.Model):
    """A one-time code that opens a staff account (``teams.recovery``), kept as a hash only."""

    class Purpose(models.TextChoices):
        SETUP = "setup", _("open a new account")
        PASSWORD = "password", _("lost password, second factor kept")
        BOTH = "both", _("lost password and second factor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_codes")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.user_id})"
