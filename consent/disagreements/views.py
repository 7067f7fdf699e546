"""Pages of disagreements (``.services``): the person says why they disagree and reads the
answers; the auditors answer from their queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent.disagreements import services as disagreements
from consent.disagreements.forms import DisagreeForm, DisagreementAnswerForm
from core.domain_errors import Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import disclosed_page, form_errors, render_with_forms, submitted

QUEUE_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def disagree(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "I do not agree", with a journal line (``?event=``) or an emergency access (``?emergency=``):
    what it is about, then why, in the person's words."""
    form = DisagreeForm(submitted(request), initial=request.GET.dict())
    target = DisagreeForm(request.POST if request.method == "POST" else request.GET)
    target.fields["statement"].required = False
    if not target.is_valid():
        return render(
            request, "400.html", {"message": _("This choice could not be read. Try again.")}, status=400
        )
    ids = {"event_id": target.cleaned_data["event"], "glass_break_id": target.cleaned_data["emergency"]}
    if request.method == "POST" and form.is_valid():
        try:
            disagreements.disagree(user=request.user, statement=form.cleaned_data["statement"], **ids)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Sent. An auditor reads it and answers you here."))
            return redirect("portal-disagreements")
    about = disagreements.about(user=request.user, **ids)
    context = {"form": form, "about": about, "nav": "portal-journal", "body_class": "portal"}
    return render_with_forms(request, "consent/disagreements/disagree.html", context, form)


@login_required
@require_safe
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the person said they disagree with, and the auditors' answers."""
    page, shown = disclosed_page(request, disagreements.mine(user=request.user), 30)
    context = {"items": shown, "page": page, "nav": "portal-journal", "body_class": "portal"}
    return render(request, "consent/disagreements/mine.html", context)


@login_required
@require_safe
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The auditors' queue: disagreements waiting for an answer, oldest first."""
    return _queue(request, None, None)


def _queue(
    request: AuthenticatedHttpRequest, refused: DisagreementAnswerForm | None, refused_id: int | None
) -> HttpResponse:
    page, shown = disclosed_page(request, disagreements.queue(user=request.user), QUEUE_PAGE)
    items = [
        {
            "d": d,
            "form": refused
            if refused is not None and refused_id == d.pk
            else DisagreementAnswerForm(auto_id=f"d{d.pk}-%s"),
        }
        for d in shown
    ]
    context = {"items": items, "page": page, "nav": "audit"}
    return render_with_forms(request, "consent/disagreements/queue.html", context, refused)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    disagreements.to_answer(user=request.user, disagreement_id=pk)  # refused before the form is read
    form = DisagreementAnswerForm(request.POST, auto_id=f"d{pk}-%s")
    if form.is_valid():
        try:
            disagreements.answer(user=request.user, disagreement_id=pk, text=form.cleaned_data["answer"])
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Answered. The person reads it in their space and is told."))
            return redirect("disagreement-queue")
    return _queue(request, form, pk)
