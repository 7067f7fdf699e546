"""Pages of the second factor: the steps of a sign-in after its password, the holder's own page of
factors (``/me/security/``), and opening a staff account with a code.

Between the password and the last step, the session holds only who is signing in (with their
password's hash, so that a password changed meanwhile ends it) for ten minutes: nobody is signed in
until every step is done (``teams.factors.steps``).

Long on purpose: the sign-in steps and the page where the same factors are managed share their
forms, templates and passkey ceremonies, and are read together.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit import recorder
from core.domain_errors import Invalid
from teams import accounts, factors, passkeys, recovery
from teams.forms import AccountCodeForm, EnrolForm, FactorForm
from teams.models import Passkey, User
from teams.requests import AuthenticatedHttpRequest
from web.pages import form_errors, render_with_forms, submitted

PENDING = "relais_sign_in"
TOTP_KEY = "relais_totp_key"
PENDING_SECONDS = 600
STEP_PAGES = {"factor": "login-factor", "enrol": "login-enrol", "password": "login-password"}
BACKEND = "teams.backends.UserBackend"


# The steps of a sign-in -----------------------------------------------------------------------------


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right and steps remain: remember who, and go to the first one."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "hash": user.get_session_auth_hash(),
        "at": time.time(),
        "next": next_url,
        "done": [],
    }
    return redirect(STEP_PAGES[factors.steps(user)[0]])


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING)
    if not data or time.time() - data["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    if user is None or user.get_session_auth_hash() != data["hash"]:
        return None
    return user, data


def _remaining(user: User, data: dict[str, Any]) -> list[str]:
    """The steps still to do; a factor just enrolled is the factor of this sign-in."""
    done = set(data["done"]) | ({"factor"} if "enrol" in data["done"] else set())
    return [step for step in factors.steps(user) if step not in done]


def _advance(request: HttpRequest, user: User, data: dict[str, Any], step: str, method: str) -> str:
    """Mark a step done; sign in when it was the last. Returns where to go next."""
    data["done"].append(step)
    data.setdefault("methods", []).append(method)
    data["hash"] = user.get_session_auth_hash()
    request.session[PENDING] = data
    remaining = _remaining(user, data)
    if remaining:
        return reverse(STEP_PAGES[remaining[0]])
    accounts.complete_sign_in(user=user, method=", ".join(data["methods"]))
    del request.session[PENDING]
    login(request, user, backend=BACKEND)
    target = data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return str(target)


def _step_or_restart(request: HttpRequest, step: str) -> tuple[User, dict[str, Any]] | HttpResponse:
    found = _pending(request)
    if found is None:
        messages.info(request, _("Sign in again: this sign-in was left too long, or has ended."))
        return redirect("login")
    user, data = found
    remaining = _remaining(user, data)
    if step not in remaining:
        return redirect(STEP_PAGES[remaining[0]] if remaining else "login")
    return found


@require_http_methods(["GET", "POST"])
def factor(request: HttpRequest) -> HttpResponse:
    """The second factor of a sign-in: a TOTP code, a recovery code, or a passkey."""
    found = _step_or_restart(request, "factor")
    if isinstance(found, HttpResponse):
        return found
    user, data = found
    form = FactorForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        method = factors.second_step(
            request=request,
            user=user,
            code=form.cleaned_data["code"],
            credential=form.cleaned_data["credential"],
        )
        if method is not None:
            return redirect(_advance(request, user, data, "factor", method))
        form.add_error(None, _("This is not the right code, or the passkey was refused. Try again."))
    kinds = factors.kinds(user)
    context = {
        "form": form,
        "kinds": kinds,
        "passkey_options": passkeys.authentication_options(request, user) if kinds["passkey"] else None,
    }
    return render_with_forms(request, "teams/sign_in_factor.html", context, form)


def _totp_context(request: HttpRequest, user: User) -> dict[str, Any]:
    """A TOTP secret for this enrolment (kept in the session until its first code), as a QR code and
    as text to type."""
    key = request.session.get(TOTP_KEY) or factors.new_totp_key()
    request.session[TOTP_KEY] = key
    uri = factors.totp_uri(user, key)
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    return {
        "qr": segno.make(uri, error="m").svg_data_uri(scale=4, dark="#111", light="#fff"),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


def _enrol(request: HttpRequest, user: User, form: EnrolForm) -> list[str] | None:
    """Enrol what the form carries; ``None`` with the error on the form if refused."""
    try:
        codes = factors.enrol(
            request=request,
            user=user,
            totp_key=request.session.get(TOTP_KEY, ""),
            code=form.cleaned_data["code"],
            credential=form.cleaned_data["credential"],
            name=form.cleaned_data["name"],
        )
    except Invalid as exc:
        form_errors(form, exc)
        return None
    request.session.pop(TOTP_KEY, None)
    return codes


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrolment of a second factor at sign-in: where one is required and there is none yet, or
    after a reset of a lost one that a manager started."""
    found = _step_or_restart(request, "enrol")
    if isinstance(found, HttpResponse):
        return found
    user, data = found
    form = EnrolForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        codes = _enrol(request, user, form)
        if codes is not None:
            kind = "passkey" if form.cleaned_data["credential"] else "totp"
            target = _advance(request, user, data, "enrol", f"new {kind}")
            if not codes:
                return redirect(target)
            return render(request, "teams/recovery_codes.html", {"codes": codes, "next": target})
    context = {
        "form": form,
        "reset": user.factor_reset_required,
        "passkey_options": passkeys.registration_options(request, user),
        **_totp_context(request, user),
    }
    return render_with_forms(request, "teams/sign_in_enrol.html", context, form)


@require_http_methods(["GET", "POST"])
def new_password(request: HttpRequest) -> HttpResponse:
    """After a reset, the holder chooses their own password before going further."""
    found = _step_or_restart(request, "password")
    if isinstance(found, HttpResponse):
        return found
    user, data = found
    form = SetPasswordForm(user, submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            accounts.choose_password(user=user, new_password=form.cleaned_data["new_password1"])
        except Invalid as exc:
            form_errors(form, exc)
        else:
            return redirect(_advance(request, user, data, "password", "new password"))
    return render_with_forms(request, "teams/sign_in_password.html", {"form": form}, form)


# The holder's own page ------------------------------------------------------------------------------


def _security_context(request: HttpRequest, user: User, form: EnrolForm | None = None) -> dict[str, Any]:
    staff = factors.is_staff(user)
    kinds = factors.kinds(user)
    context: dict[str, Any] = {
        "nav": "security",
        "staff": staff,
        "kinds": kinds,
        "passkeys": Passkey.objects.filter(user=user),
        "form": form or EnrolForm(),
        "passkey_options": passkeys.registration_options(request, user),
    }
    if staff and not kinds["totp"]:
        context.update(_totp_context(request, user))
    return context


@login_required
@require_safe
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My second factors: a TOTP application (staff), passkeys (everyone), recovery codes, password."""
    return render(request, "teams/security.html", _security_context(request, request.user))


@login_required
@require_POST
def security_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a TOTP application (its first code) or a passkey (what the browser made)."""
    form = EnrolForm(request.POST)
    if form.is_valid():
        codes = _enrol(request, request.user, form)
        if codes is not None:
            if codes:
                return render(
                    request, "teams/recovery_codes.html", {"codes": codes, "next": reverse("security")}
                )
            messages.success(request, _("Done: your second factor is added."))
            return redirect("security")
    context = _security_context(request, request.user, form)
    return render(request, "teams/security.html", context, status=400)


def _refused_on_security_page(request: AuthenticatedHttpRequest, exc: Invalid) -> HttpResponse:
    """The security page again, with why the act was refused: a 400, so that nothing of it is kept."""
    recorder.fail()
    detail = exc.detail if isinstance(exc.detail, dict) else {"": [exc.detail]}
    messages.error(request, " ".join(str(m) for found in detail.values() for m in found))
    return render(request, "teams/security.html", _security_context(request, request.user), status=400)


@login_required
@require_POST
def security_remove(request: AuthenticatedHttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Remove my TOTP application or one of my passkeys (never my last factor where one is required)."""
    try:
        factors.remove(user=request.user, kind=kind, passkey_id=pk)
    except Invalid as exc:
        return _refused_on_security_page(request, exc)
    messages.success(request, _("Done: it is removed."))
    return redirect("security")


@login_required
@require_POST
def security_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones end."""
    try:
        codes = factors.new_recovery_codes(user=request.user)
    except Invalid as exc:
        return _refused_on_security_page(request, exc)
    return render(request, "teams/recovery_codes.html", {"codes": codes, "next": reverse("security")})


# Opening a staff account with a code -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def account_code(request: HttpRequest) -> HttpResponse:
    """The holder opens their account with the setup or recovery code a manager started, and chooses
    its password (a lost password's code asks for the second factor too)."""
    form = AccountCodeForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = recovery.open_with_code(
                request=request,
                username=data["username"],
                code=data["code"],
                password=data["new_password1"],
                otp=data["otp"],
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            if opened is not None:
                messages.success(request, _("Your password is chosen. Sign in with it now."))
                return redirect("login")
            form.add_error(None, _("This code is wrong, used or ended, or the second factor is missing."))
    return render_with_forms(request, "registration/account_code.html", {"form": form}, form)
