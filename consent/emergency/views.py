"""Pages of the emergency access (``.services``): a member breaks the glass; auditors review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit import recorder
from consent.emergency import ending as glass_end
from consent.emergency import services as glass
from consent.emergency.forms import GlassBreakForm, GlassReviewForm
from consent.models import GlassBreak
from core.domain_errors import Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import form_errors, render_with_forms, submitted


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open, in an emergency, what no consent gives my team: chosen kinds, a few hours, a reason."""
    teams, categories = glass.glass_choices(user=request.user, person_id=pk)
    form = GlassBreakForm(
        submitted(request), teams=teams, categories=categories, reasons=GlassBreak.Reason.choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = glass.break_glass(
                user=request.user,
                person_id=pk,
                team_id=data["team"],
                categories=data["categories"],
                reason=data["reason"],
                statement=data["statement"],
                hours=data["hours"],
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.warning(
                request,
                _(
                    "Emergency access open until %(end)s. Every read is recorded; the person is told; "
                    "an auditor reviews it."
                )
                % {"end": date_format(timezone.localtime(opened.ends_at), "DATETIME_FORMAT")},
            )
            return redirect(f"{reverse('person', args=[pk])}#emergency")
    context = {"form": form, "person_id": pk, "teams": teams, "nav": "persons"}
    return render_with_forms(request, "consent/emergency/glass_break.html", context, form)


@login_required
@require_safe
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Emergency accesses waiting for an auditor's verdict, oldest first; the last ones reviewed."""
    return _queue(request, None, None)


def _queue(
    request: AuthenticatedHttpRequest, refused: GlassReviewForm | None, refused_id: int | None
) -> HttpResponse:
    waiting = list(glass.review_queue(user=request.user))
    reviewable = glass.reviewable(request.user, waiting)
    items = [
        {
            "glass": item,
            "reviewable": item.pk in reviewable,
            "form": refused
            if refused_id == item.pk and refused
            else GlassReviewForm(verdicts=GlassBreak.Verdict.choices, auto_id=f"g{item.pk}-%s"),
        }
        for item in waiting
    ]
    context = {"items": items, "nav": "audit"}
    return render_with_forms(request, "consent/emergency/glass_queue.html", context, refused)


@login_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    glass.to_review(user=request.user, glass_break_id=pk)
    form = GlassReviewForm(request.POST, verdicts=GlassBreak.Verdict.choices, auto_id=f"g{pk}-%s")
    if form.is_valid():
        try:
            glass.review(user=request.user, glass_break_id=pk, **form.cleaned_data)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Reviewed. The verdict is in the log."))
            return redirect("glass-queue")
    return _queue(request, form, pk)


@login_required
@require_POST
def end_early(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member of its team ends an emergency access before its time: recorded, and at once."""
    try:
        ended = glass_end.end_early(user=request.user, glass_break_id=pk)
    except Invalid as exc:
        recorder.fail()
        detail = exc.detail if isinstance(exc.detail, dict) else {"": [exc.detail]}
        message = " ".join(str(m) for found in detail.values() for m in found)
        return render(request, "400.html", {"message": message}, status=400)
    messages.success(
        request,
        _("Emergency access no. %(number)s is ended: %(team)s no longer reads what it opened.")
        % {"number": ended.pk, "team": ended.team.name},
    )
    return redirect(f"{reverse('person', args=[ended.person_id])}#emergency")
