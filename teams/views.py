"""Pages for signing in, the confidentiality commitment, and the start page of each role."""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from core.domain_errors import Invalid, Refusal
from teams import accounts, factors, mfa_views, oidc, selectors, services
from teams.forms import CommitmentForm, PresentationForm, SignInForm
from teams.models import Membership
from teams.presentation import presented
from teams.requests import AuthenticatedHttpRequest
from web.pages import form_errors, render_with_forms, submitted


class SignIn(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """A right password with steps still to do (``factors.steps``) signs nobody in yet."""
        user = form.get_user()
        if factors.steps(user):
            return mfa_views.begin(self.request, user, self.get_success_url())
        return super().form_valid(form)

    def form_invalid(self, form):
        # A refused sign-in answers 400: its request keeps nothing but the recorded failure.
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if oidc.enabled():
            context["oidc_label"] = oidc.button_label()
        return context


class _ToProvider(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc.library_setting)


@require_safe
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Staff sign in through their organisation: off to its identity provider (state, nonce and
    PKCE kept in the session by mozilla-django-oidc). Absent unless OIDC is configured."""
    if not oidc.enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")
    return _ToProvider.as_view()(request)


@require_safe
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: a staff account matched by a verified claim is signed in as
    by its password (Django's ``login()``); anything else is a page that says why, and a record."""
    if not oidc.enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")
    try:
        signed_in = oidc.complete(request=request)
    except Refusal as exc:
        context = {"message": exc.detail}
        return render(request, "registration/oidc_refused.html", context, status=exc.status)
    next_url = request.session.pop("oidc_login_next", None) or reverse("home")
    if signed_in.steps:  # the second factor is asked exactly as after a password
        return mfa_views.begin(request, signed_in.user, next_url)
    login(request, signed_in.user, backend="teams.backends.UserBackend")
    oidc.after_sign_in(request, signed_in)
    return redirect(next_url)


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role starts where its work is."""
    roles = selectors.roles_of(request.user)
    starts = (
        ("member", "persons"),
        ("person", "portal-home"),
        ("representative", "portal-representatives"),
        ("auditor", "audit-log"),
    )
    for role, target in starts:
        if role in roles:
            return redirect(target)
    if "manager" in roles:
        return redirect("admin:index")
    return render(request, "teams/no_role.html")


@login_required
@require_http_methods(["GET", "POST"])
def commitment(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's confidentiality commitment, read and accepted before any access to person data (R3)."""
    me = selectors.me(request.user)
    form = CommitmentForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        services.accept_commitment(user=request.user)
        messages.success(request, _("Thank you. Your commitment is recorded."))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "home"
        return redirect(target)
    return render_with_forms(request, "teams/commitment.html", {"me": me, "form": form}, form)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Anyone signed in changes their own password; the change is recorded, never the password."""
    form = PasswordChangeForm(request.user, submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            accounts.change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("home")
    return render_with_forms(
        request, "registration/password_change.html", {"form": form, "nav": "password"}, form
    )


@require_safe
def password_forgotten(request: HttpRequest) -> HttpResponse:
    """How to get back in, said to each kind of user: no e-mail reset, since a person may have no
    address and a worker's access is their manager's to give."""
    return render(request, "registration/forgotten.html")


@login_required
@require_http_methods(["GET", "POST"])
def presentation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How I am presented, team by team: my title, and whether my peer role is told. A preview
    shows the words persons read in their journal and colleagues read on notes."""
    memberships = selectors.my_memberships(request.user)
    posted = request.POST.get("team", "") if request.method == "POST" else ""
    form = PresentationForm(
        submitted(request),
        teams=[m.team for m in memberships],
        auto_id=f"t{posted}-%s" if posted.isdigit() else "t-%s",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.present_myself(
                user=request.user,
                team_id=data["team"],
                title=data["title"],
                peer_role_shown=data["peer_role_shown"],
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Done. This is how you are presented now."))
            return redirect("presentation")
    items = [
        {"membership": m, "presented": presented(m), "form": _membership_form(m, form)} for m in memberships
    ]
    context = {"items": items, "form": form, "nav": "presentation"}
    return render_with_forms(request, "teams/presentation.html", context, form)


def _membership_form(membership: Membership, submitted_form: PresentationForm) -> PresentationForm:
    """Each team's own form, filled with what is saved; the one just refused keeps what was typed."""
    if submitted_form.is_bound and submitted_form.data.get("team") == str(membership.team_id):
        return submitted_form
    initial = {
        "team": membership.team_id,
        "title": membership.title,
        "peer_role_shown": membership.peer_role_shown,
    }
    return PresentationForm(initial=initial, teams=[membership.team], auto_id=f"t{membership.team_id}-%s")
