"""The managers' administration of teams, accounts and categories, through the services.

Long on purpose: one administration, whose pages each go through the same services, read together.
"""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from core.domain_errors import Invalid
from relais.admin import ManagerAdmin, is_manager
from teams import accounts, factors, organisations, recovery, services
from teams.accounts import ACCOUNT_FIELDS
from teams.asking import may_change_account, refuse_setting_password
from teams.forms import RecoveryForm
from teams.models import Category, Membership, Organisation, Team, User
from teams.requests import administering, signed_in
from web.pages import form_errors

# Groups belong to teams and follow memberships; tokens and second factors are secrets, their
# holder's alone (``/me/security/``). None of them is edited by hand.
for model in (Group, AuthToken, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


# Django's own words for the buttons under the members and beside a choice ("Ajouter un objet …
# supplémentaire", "Modifier l'objet … sélectionné" in French): the catalogue rewords these msgids in
# plain words (LOCALE_PATHS come before Django's catalogues), and needs them named here to hold them.
DJANGO_WORDS_REWORDED = (
    _("Add another %(verbose_name)s"),
    _("Add another %(model)s"),
    _("Change selected %(model)s"),
    _("Delete selected %(model)s"),
    _("View selected %(model)s"),
)


def staff_accounts() -> models.QuerySet[User]:
    """Accounts of the teams' staff: never a person's own space nor a representative's, which serve
    one person and never join a team."""
    return User.objects.filter(person__isnull=True, representation__isnull=True)


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 1
    verbose_name = _("member")
    verbose_name_plural = _("members")
    fields = ["user", "profession", "is_peer_worker", "title", "peer_role_shown", "commitment_accepted_at"]
    # How the member chose to be presented is theirs to change (``/me/presentation/``), not a manager's.
    readonly_fields = ["title", "peer_role_shown", "commitment_accepted_at"]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # A portal account (a person's space, a representative's) never joins a team; a manager
            # chooses among their organisation's accounts only.
            kwargs["queryset"] = (
                staff_accounts()
                .filter(pk__in=organisations.administered_accounts(administering(request)).values("pk"))
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CategoryChoices(forms.ModelMultipleChoiceField):
    """Categories by their label in the reader's language, never by their code."""

    def label_from_instance(self, obj: Category) -> str:
        return obj.label


@admin.register(Organisation)
class OrganisationAdmin(ManagerAdmin):
    """Organisations, created and changed by the deployment's administrators; a manager sees their own."""

    list_display = ["name", "legal_name", "data_protection_contact"]
    fields = [*services.ORGANISATION_FIELDS, *services.RETENTION_FIELDS]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Organisation]:
        return organisations.administered_organisations(administering(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return administering(request).every_organisation

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return administering(request).every_organisation

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # its teams and accounts name it, and so do the receipts it signed for

    def save_model(self, request: HttpRequest, obj, form, change):
        values = {
            name: form.cleaned_data[name]
            for name in (*services.ORGANISATION_FIELDS, *services.RETENTION_FIELDS)
        }
        organisation = Organisation.objects.get(pk=obj.pk) if change else Organisation()
        obj.pk = services.save_organisation(by=signed_in(request), organisation=organisation, **values).pk


@admin.register(Team)
class TeamAdmin(ManagerAdmin):
    """A manager's teams are their organisation's; another organisation's team is not found here."""

    list_display = ["name", "organisation", "member_count", "created_at"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Team]:
        return organisations.administered_teams(administering(request)).select_related("organisation")

    def get_fields(self, request: HttpRequest, obj=None) -> list[Any]:
        fields: list[Any] = ["name", "continuity_categories", "commitment_text", "glass_break_allowed"]
        # The deployment's administrators choose a new team's organisation; it never changes after.
        if obj is not None or administering(request).every_organisation:
            fields.insert(1, "organisation")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["organisation"] if obj is not None else []

    # Plain checkboxes: each category readable and reachable by keyboard, unlike the two-list widget.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [MembershipInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "continuity_categories":
            kwargs["form_class"] = CategoryChoices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("members"))
    def member_count(self, team: Team) -> int:
        return team.memberships.count()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a team keeps its history: its follow-ups, notes and consents name it

    def save_model(self, request: HttpRequest, obj, form, change):
        """Teams change through the services, which record each change with before and after."""
        data = form.cleaned_data
        codes = [c.code for c in data["continuity_categories"]]
        if change:
            team = services.update_team(
                by=signed_in(request),
                team=Team.objects.select_related("group").get(pk=obj.pk),
                name=data["name"],
                continuity_categories=codes,
                commitment_text=data["commitment_text"],
                glass_break_allowed=data["glass_break_allowed"],
            )
        else:
            team = services.create_team(
                by=signed_in(request),
                name=data["name"],
                continuity_categories=codes,
                commitment_text=data["commitment_text"],
                glass_break_allowed=data["glass_break_allowed"],
                organisation_id=data["organisation"].pk if data.get("organisation") else None,
            )
        obj.pk, obj.group_id, obj.organisation_id = team.pk, team.group_id, team.organisation_id

    def save_related(self, request: HttpRequest, form, formsets, change):
        # The categories went through the service above; the memberships go through theirs.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request: HttpRequest, form, formset, change):
        """Memberships go through the services, so that the team's group follows them."""
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.remove_member(by=signed_in(request), membership=membership)
        for membership in memberships:
            if membership.pk is None:
                services.add_member(
                    by=signed_in(request),
                    team=form.instance,
                    user=membership.user,
                    profession=membership.profession,
                    is_peer_worker=membership.is_peer_worker,
                )
            else:
                services.update_member(
                    by=signed_in(request),
                    membership=Membership.objects.get(pk=membership.pk),
                    profession=membership.profession,
                    is_peer_worker=membership.is_peer_worker,
                )


class NewAccountForm(forms.ModelForm):
    """A new account, without a password: its holder chooses one with the setup code made for it."""

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "email",
            "is_auditor",
            "is_manager",
            "organisation",
            "audits_deployment",
        ]


class AccountKind(admin.SimpleListFilter):
    """Staff by default; the persons' and representatives' spaces apart, never mixed with staff."""

    title = _("kind of account")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            ("staff", _("Staff")),
            ("person", _("Spaces of accompanied persons")),
            ("representative", _("Spaces of representatives")),
        ]

    def choices(self, changelist: Any) -> Iterator[Any]:
        chosen = self.value() or "staff"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": chosen == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[User]) -> models.QuerySet[User]:
        chosen = self.value() or "staff"
        if chosen == "person":
            return queryset.filter(person__isnull=False)
        if chosen == "representative":
            return queryset.filter(representation__isnull=False)
        return queryset.filter(person__isnull=True, representation__isnull=True)


@admin.register(User)
class AccountAdmin(ManagerAdmin, UserAdmin):
    """Accounts change through the services: each change of a role or a flag is recorded. Nobody
    sets another account's password here (R10): the change page shows none and links to no form."""

    add_form = NewAccountForm
    list_display = [
        "username",
        "display_name",
        "organisation",
        "is_auditor",
        "is_manager",
        "is_active",
        "last_login",
    ]
    list_filter = [AccountKind, "is_auditor", "is_manager", "is_active"]
    search_fields = ["username", "display_name"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Identity"), {"fields": ["display_name", "email"]}),
        (
            _("Roles"),
            {"fields": ["is_active", "is_auditor", "is_manager", "organisation", "audits_deployment"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
        (_("Second factor and recovery"), {"fields": ["second_factor", "recovery"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "display_name",
                    "email",
                    "is_auditor",
                    "is_manager",
                    "organisation",
                    "audits_deployment",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined", "second_factor", "recovery"]
    filter_horizontal = []

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[User]:
        """A manager's accounts are their organisation's: another's is not found here."""
        return organisations.administered_accounts(administering(request)).select_related("organisation")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """An account's organisation, and a reach over every organisation, are the deployment's
        administrators' to set: a manager's new accounts are their organisation's."""
        fields = list(super().get_readonly_fields(request, obj))
        if not administering(request).every_organisation:
            fields += ["organisation", "audits_deployment"]
        return fields

    @admin.display(description=_("second factor"))
    def second_factor(self, user: User) -> str:
        if user.factor_reset_required:
            return gettext("Reset started: a new one is enrolled at the next sign-in.")
        return gettext("Enrolled") if factors.has_factor(user) else gettext("None yet")

    @admin.display(description=_("recovery"))
    def recovery(self, user: User) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:teams_user_recovery", args=[user.pk]),
            gettext("Start a recovery of this account"),
        )

    def get_urls(self):
        own = [
            path(
                "<id>/recovery/",
                self.admin_site.admin_view(self.start_recovery),
                name="teams_user_recovery",
            )
        ]
        return own + super().get_urls()

    def start_recovery(self, request: HttpRequest, id: str):
        """A manager starts a recovery; what its holder must do, and the code where one is shown,
        are on the page once (see ``teams.recovery``)."""
        user = self.get_object(request, unquote(id))
        if user is None or not self.has_change_permission(request, user):
            raise PermissionDenied
        form = RecoveryForm(request.POST if request.method == "POST" else None)
        issued, status = None, 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    issued = recovery.start_recovery(
                        by=signed_in(request), user=user, lost=form.cleaned_data["lost"]
                    )
                except Invalid as exc:
                    form_errors(form, exc)
            if form.errors:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": gettext("Start a recovery"),
            "form": form,
            "issued": issued,
            "lost": form.cleaned_data.get("lost") if issued is not None else None,
        }
        return TemplateResponse(request, "admin/teams/user/recovery.html", context, status=status)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not may_change_account(signed_in(request), obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an account is deactivated, never deleted: the log and the notes name it

    def save_model(self, request: HttpRequest, obj, form, change):
        data = form.cleaned_data
        if change:
            values = {name: data[name] for name in ACCOUNT_FIELDS if name in form.changed_data}
            if "organisation" in form.changed_data:
                values["organisation_id"] = data["organisation"].pk if data["organisation"] else None
            accounts.update_account(by=signed_in(request), user=User.objects.get(pk=obj.pk), **values)
        else:
            user = accounts.create_user(
                by=signed_in(request),
                username=data["username"],
                display_name=data.get("display_name", ""),
                email=data.get("email", ""),
                is_auditor=data.get("is_auditor", False),
                is_manager=data.get("is_manager", False),
                organisation_id=data["organisation"].pk if data.get("organisation") else None,
                audits_deployment=data.get("audits_deployment", False),
            )
            issued = recovery.issue_setup_code(by=signed_in(request), user=user)
            obj.pk = user.pk
            if issued.emailed:
                messages.info(request, gettext("The setup code was e-mailed to the account's address."))
            else:
                messages.warning(
                    request,
                    gettext(
                        "Setup code, shown once: %(code)s. Hand it over in person; its holder opens the "
                        "account at /account/code/ and chooses their password."
                    )
                    % {"code": issued.code},
                )

    def save_related(self, request: HttpRequest, form, formsets, change):
        """Nothing else of an account is edited here (groups follow memberships)."""

    def user_change_password(self, request: HttpRequest, id, form_url=""):
        """Django's form to set another account's password is refused, and the attempt recorded."""
        refuse_setting_password(by=signed_in(request), account_id=unquote(id))


@admin.register(Category)
class CategoryAdmin(ManagerAdmin):
    """The category registry; each team picks among them the ones its mission needs."""

    list_display = ["code", "label_fr", "label_en"]
    fields = ["code", "label_fr", "label_en", "description_fr", "description_en"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Consents and notes refer to a category by its code: it never changes once in use.
        return ["code"] if obj else []

    # The registry is shared by every organisation: a manager reads it, the deployment's
    # administrators edit it (``teams.organisations.edits_registry``).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return organisations.edits_registry(administering(request))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return organisations.edits_registry(administering(request))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj, form, change):
        values = {
            name: form.cleaned_data[name] for name in services.CATEGORY_FIELDS if name in form.cleaned_data
        }
        category = Category.objects.get(pk=obj.pk) if change else Category()
        obj.pk = services.save_category(by=signed_in(request), category=category, **values).pk
