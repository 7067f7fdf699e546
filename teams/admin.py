from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenProxy

from relais.admin import ManagerAdmin, is_manager
from teams import services
from teams.models import Category, Membership, Team, User

# Groups belong to teams and follow memberships; tokens are secrets. Neither is edited by hand.
for model in (Group, TokenProxy):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 1
    fields = ["user", "profession", "is_peer_worker", "commitment_accepted_at"]
    readonly_fields = ["commitment_accepted_at"]

    def has_view_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Team)
class TeamAdmin(ManagerAdmin):
    list_display = ["name", "member_count", "created_at"]
    search_fields = ["name"]
    fields = ["name", "continuity_categories", "commitment_text"]
    # Plain checkboxes: each category readable and reachable by keyboard, unlike the two-list widget.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [MembershipInline]

    @admin.display(description=_("members"))
    def member_count(self, team: Team) -> int:
        return team.memberships.count()

    def save_model(self, request, obj, form, change):
        if change:
            services.update_team(team=obj, name=form.cleaned_data["name"])
        else:
            services.prepare_team(team=obj)

    def save_formset(self, request, form, formset, change):
        """Memberships go through the services, so that the team's group follows them."""
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.remove_member(membership=membership)
        for membership in memberships:
            if membership.pk is None:
                services.add_member(
                    team=form.instance,
                    user=membership.user,
                    profession=membership.profession,
                    is_peer_worker=membership.is_peer_worker,
                )
            else:
                services.update_member(
                    membership=membership,
                    profession=membership.profession,
                    is_peer_worker=membership.is_peer_worker,
                )


class AccountCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "display_name"]


@admin.register(User)
class AccountAdmin(ManagerAdmin, UserAdmin):
    add_form = AccountCreationForm
    list_display = ["username", "display_name", "is_auditor", "is_manager", "is_active", "last_login"]
    list_filter = ["is_auditor", "is_manager", "is_active"]
    search_fields = ["username", "display_name"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Identity"), {"fields": ["display_name", "email"]}),
        (_("Roles"), {"fields": ["is_active", "is_auditor", "is_manager"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "display_name", "password1", "password2"]})
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []

    def has_change_permission(self, request, obj=None) -> bool:
        # A manager cannot take over a superuser's account (by its password, say).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Category)
class CategoryAdmin(ManagerAdmin):
    """The category registry; each team picks among them the ones its mission needs."""

    list_display = ["code", "label_fr", "label_en"]
    fields = ["code", "label_fr", "label_en", "description_fr", "description_en"]

    def get_readonly_fields(self, request, obj=None):
        # Consents and notes refer to a category by its code: it never changes once in use.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
