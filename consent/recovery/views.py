"""Pages of the resets of open spaces (``.services``): the person confirms; auditors review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent.emergency.forms import GlassReviewForm
from consent.models import SpaceReset
from consent.recovery import services as recovery
from consent.recovery.forms import ConfirmResetForm
from core.domain_errors import Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import form_errors, render_with_forms, submitted


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person confirms, with the password their space had before, that the reset was theirs."""
    form = ConfirmResetForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            recovery.confirm(user=request.user, previous_password=form.cleaned_data["previous_password"])
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Your space shows everything again."))
            return redirect("portal-home")
    context = {
        "form": form,
        "restriction": recovery.restriction(user=request.user),
        "nav": "portal-home",
        "body_class": "portal",
    }
    return render_with_forms(request, "consent/recovery/confirm.html", context, form)


@login_required
@require_safe
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Resets of open spaces waiting for an auditor's verdict, oldest first."""
    return _queue(request, None, None)


def _queue(
    request: AuthenticatedHttpRequest, refused: GlassReviewForm | None, refused_id: int | None
) -> HttpResponse:
    waiting = list(recovery.review_queue(user=request.user))
    items = [
        {
            "reset": item,
            "form": refused
            if refused_id == item.pk and refused
            else GlassReviewForm(verdicts=SpaceReset.Verdict.choices, auto_id=f"r{item.pk}-%s"),
        }
        for item in waiting
    ]
    return render_with_forms(
        request, "consent/recovery/queue.html", {"items": items, "nav": "audit"}, refused
    )


@login_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recovery.to_review(user=request.user, reset_id=pk)
    form = GlassReviewForm(request.POST, verdicts=SpaceReset.Verdict.choices, auto_id=f"r{pk}-%s")
    if form.is_valid():
        try:
            recovery.review(user=request.user, reset_id=pk, **form.cleaned_data)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Reviewed. The verdict is in the log."))
            return redirect("reset-queue")
    return _queue(request, form, pk)
