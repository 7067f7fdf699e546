from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consent.consents import services
from consent.models import PortalInvitation
from relais.admin import ManagerAdmin
from teams.requests import administering, signed_in


@admin.register(PortalInvitation)
class PortalInvitationAdmin(ManagerAdmin):
    """Codes are made by a member with the person; here a manager sees them and can cancel one.

    The person appears by number only: their name is person data."""

    list_display = ["pk", "person_number", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = ["used_at"]
    readonly_fields = ["person_number", "created_by", "created_at", "expires_at", "used_at"]
    fields = tuple(readonly_fields)
    actions = ["expire_now"]

    @admin.display(description=_("person"))
    def person_number(self, invitation: PortalInvitation) -> str:
        return f"#{invitation.person_id}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PortalInvitation]:
        return services.administered_invitations(administering(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Cancel the selected codes now"))
    def expire_now(self, request: HttpRequest, queryset):
        count = services.cancel_portal_codes(
            by=signed_in(request), invitation_ids=list(queryset.values_list("pk", flat=True))
        )
        messages.success(request, ngettext("%d code cancelled.", "%d codes cancelled.", count) % count)
