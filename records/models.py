from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from core.fields import EncryptedTextField

FOLLOW_PERMISSION = "follow_person"


CONTACT = "contact"
# A phone number as people write it: digits, spaces, dots, dashes, brackets, a leading +.
# Empty is allowed: no phone is known.
PHONE_PATTERN = r"^(\+?[0-9][0-9 .()-]{5,24})?$"
ADDRESS_MAX_CHARS = 300


class Person(models.Model):
    """An accompanied person. Identity is plain; contact fields (category ``contact``) are encrypted."""

    display_name = models.CharField(_("display name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # The names folded (core.text.fold) for a search that ignores case and accents; kept by the
    # services that write names.
    name_key = models.CharField(max_length=150, blank=True, default="", editable=False)
    identity_key = models.CharField(max_length=301, blank=True, default="", editable=False)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    email = EncryptedTextField(_("email"), blank=True, default="")
    address = EncryptedTextField(_("address"), blank=True, default="")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    # Where the person asked, in their space, to be told that something happened (``consent.notices.inbox``):
    # theirs alone, never shown to a team, and used only while ``notify_by_email`` holds.
    notice_email = EncryptedTextField(_("e-mail for notices"), blank=True, default="")
    notify_by_email = models.BooleanField(_("notices by e-mail"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the retention job (``relais.retention``), as the owner role, once every follow-up ended
    # long ago: from then on no team reads the person (``access.archived``), until the erasure.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    CONTACT_FIELDS = ("phone", "email", "address")
    # Encrypted fields a read of the person leaves in the database until it is decided they are shown.
    DEFERRED = (*CONTACT_FIELDS, "notice_email")

    class Meta:
        ordering = ["display_name", "id"]
        permissions = [(FOLLOW_PERMISSION, "Team follows this person")]
        verbose_name = _("person")

    def __str__(self) -> str:
        return f"person #{self.pk}"


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-FK guardian table: which team group follows which person."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class FollowUp(models.Model):
    """The history of a team following a person; the open one mirrors the guardian grant."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follow_ups")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="follow_ups")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "team"],
                condition=models.Q(closed_at__isnull=True),
                name="follow_up_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}"


class Note(models.Model):
    """A shared note ("transmission"); its body is encrypted at rest (R8)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes")
    category = models.ForeignKey("teams.Category", on_delete=models.PROTECT, related_name="notes")
    body = EncryptedTextField(_("body"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A correction is a new note that names the one it replaces; the replaced one is kept, as in any
    # records system, and readers see the latest version marked as corrected.
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at", "-id"], name="note_person_recent")]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class HandoverMark(models.Model):
    """When a member last said "I have seen everything" on the handover page: what is new starts there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"handover mark #{self.pk}"
