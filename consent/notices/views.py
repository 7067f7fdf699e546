"""The person's inbox, in their space: what they should know, newest first, and whether they want an
e-mail when something new happens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from consent.notices import inbox, inbox_html
from consent.notices.forms import NoticeEmailForm, NoticeReadForm
from core.domain_errors import Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import disclosed_page, form_errors, render_with_forms

NOTICES_PAGE = 30


@login_required
@require_safe
def notices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What I should know, newest first, read or not yet; and whether I want an e-mail."""
    return _notices_page(request, NoticeEmailForm())


def _notices_page(request: AuthenticatedHttpRequest, email_form: NoticeEmailForm) -> HttpResponse:
    mine = inbox.my_inbox(user=request.user)
    page, shown = disclosed_page(request, mine.notices, NOTICES_PAGE)
    person = mine.person
    if not email_form.is_bound:
        email_form = NoticeEmailForm(
            initial={"email": person.notice_email, "enabled": person.notify_by_email}
        )
    context = {
        "notices": shown,
        "items": inbox_html.notice_items(shown, get_token(request)),
        "page": page,
        "email_form": email_form,
        "nav": "portal-notices",
        "body_class": "portal",
    }
    return render_with_forms(request, "consent/notices/inbox.html", context, email_form)


@login_required
@require_POST
def notices_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NoticeReadForm(request.POST)
    if not form.is_valid():
        return render(
            request, "400.html", {"message": _("This choice could not be read. Try again.")}, status=400
        )
    notice = form.cleaned_data["notice"]
    inbox.mark_read(user=request.user, notice_ids=[notice] if notice else None)
    return redirect("portal-notices")


@login_required
@require_POST
def notices_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NoticeEmailForm(request.POST)
    if form.is_valid():
        try:
            inbox.choose_email(user=request.user, **form.cleaned_data)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Done. You will get a short e-mail when something new happens.")
                if form.cleaned_data["enabled"]
                else _("Done. You will not get e-mails."),
            )
            return redirect("portal-notices")
    return _notices_page(request, form)
