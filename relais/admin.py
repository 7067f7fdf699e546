"""The managers' administration: teams, memberships, categories, accounts, portal invitations.

It opens to managers (and superusers) by their role, and holds nothing of person data: persons,
notes, consents and contact details are not registered here (R4). Signing in goes through the
service's own page, which records every attempt and limits them.
"""

import functools

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from teams.asking import is_manager


class RelaisAdminSite(admin.AdminSite):
    site_header = _("Relais administration")
    site_title = _("Relais administration")
    index_title = _("Teams, accounts and categories")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def admin_view(self, view, cacheable=False):
        """Someone signed in who is no manager gets a 403 at once, not a detour by a sign-in page."""
        guarded = super().admin_view(view, cacheable)

        @functools.wraps(guarded)
        def inner(request: HttpRequest, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(_("This is reserved to managers."))
            return guarded(request, *args, **kwargs)

        return inner

    def password_change(self, request: HttpRequest, extra_context=None):
        # One way to change one's password, recorded: the service's own page.
        return redirect("password-change")

    def login(self, request: HttpRequest, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied(_("This is reserved to managers."))
        return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("login"))


class ManagerAdmin(admin.ModelAdmin):
    """Managers act by their role, not by Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def render_change_form(self, request: HttpRequest, context, *args, **kwargs):
        """A form sent with errors answers 400, like every page of the service: nothing of it is kept."""
        response = super().render_change_form(request, context, *args, **kwargs)
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response
