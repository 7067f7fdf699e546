"""Members' pages: their persons, a new person, correcting a note, the contact details, closing a
follow-up, the handover and the renewals. The person page (with its note and follow-up forms) shows
consents too: it is composed in the composition root (``relais/person_page.py``).

Every page goes through the same selectors and services as the API, so it shows exactly what the
API would and is recorded the same way. A refused form answers 4xx: nothing of it is kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access.persons import PersonView
from access.who_is_asking import access_member
from audit.models import Action
from core.domain_errors import Conflict, Invalid
from records import follow_ups, handover, handover_html, renewals, selectors, services
from records.forms import AskTeamForm, ContactForm, NoteCorrectionForm, PersonForm
from teams.models import Team
from teams.requests import AuthenticatedHttpRequest
from web.pages import disclosed_page, form_errors, render_with_forms, submitted

PAGE_SIZE = 25


@login_required
@require_safe
def persons(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page, views = disclosed_page(request, selectors.find_persons(user=request.user, search=search), PAGE_SIZE)
    context = {
        "page": page,
        "views": views,
        "search": search,
        "query_prefix": f"{urlencode({'q': search})}&" if search else "",
        "nav": "persons",
    }
    return render(request, "records/persons.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    member = access_member(request.user, action=Action.PERSON_CREATE, object_type="person")
    teams = Team.objects.filter(pk__in=member.team_ids).order_by("name")
    form = PersonForm(submitted(request), teams=teams)
    duplicates: list[PersonView] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_new")
        if not confirmed:
            duplicates = selectors.likely_duplicates(
                member,
                display_name=data["display_name"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
            )
        if not duplicates:
            try:
                view = services.create_person(user=request.user, team_id=data.pop("team"), **data)
            except (Invalid, Conflict) as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request, _("The person is created. Record their consent to share with the team.")
                )
                return redirect("person", pk=view.person.pk)
    context = {"form": form, "duplicates": duplicates, "nav": "persons"}
    response = render_with_forms(request, "records/person_new.html", context, form)
    if duplicates:
        response.status_code = 409  # nothing created: the worker looks first
    return response


@login_required
@require_http_methods(["GET", "POST"])
def note_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Its author corrects a note: the form starts from the text (a recorded read); the correction is
    a new version, and the old one is kept. A refused correction shows the form again."""
    form = NoteCorrectionForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            note = services.correct_note(user=request.user, note_id=pk, body=form.cleaned_data["body"])
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The note is corrected. Its readers see that it was."))
            return redirect("person", pk=note.person_id)
    note = selectors.note_to_correct(user=request.user, note_id=pk)
    if request.method == "GET":
        form = NoteCorrectionForm(initial={"body": note.body})
    context = {"note": note, "form": form, "nav": "persons"}
    return render_with_forms(request, "records/note_correct.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change the contact details, where the person's consent shares them with one of my teams; the
    form starts from them (a recorded read), and the change is recorded field by field."""
    form = ContactForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(user=request.user, person_id=pk, **form.cleaned_data)
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The contact details are changed."))
            return redirect("person", pk=pk)
    view = selectors.contact_to_edit(user=request.user, person_id=pk)
    if request.method == "GET":
        form = ContactForm(initial=view.contact)
    context = {"person": view.person, "form": form, "nav": "persons"}
    return render_with_forms(request, "records/contact_edit.html", context, form)


@login_required
@require_POST
def follow_up_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member ends their team's follow-up; the team loses access at once."""
    follow_up = follow_ups.close_follow_up(user=request.user, follow_up_id=pk)
    messages.success(
        request,
        _("%(team)s no longer follows this person and no longer sees anything about them.")
        % {"team": follow_up.team.name},
    )
    if selectors.still_followed(user=request.user, person_id=follow_up.person_id):
        return redirect("person", pk=follow_up.person_id)
    return redirect("persons")


@login_required
@require_http_methods(["GET", "POST"])
def handover_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start of a shift: what is new since my last "seen", per person; persons without consent."""
    if request.method == "POST":
        handover.mark_seen(user=request.user)
        messages.success(request, _("Seen. What comes next will show here."))
        return redirect("handover")
    news = handover.handover(user=request.user)
    context = {"handover": news, "sections": handover_html.sections(news.lines), "nav": "handover"}
    return render(request, "records/handover.html", context)


@login_required
@require_safe
def renewals_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Consents of my teams that end within 30 days, and persons followed without any consent."""
    context = {"renewals": renewals.to_renew(user=request.user), "nav": "renewals"}
    return render(request, "records/renewals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ask_team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person asks another team to follow them (their space): the way a team of another
    organisation starts, since no worker of another organisation does it for them."""
    teams = selectors.teams_to_ask(user=request.user)
    form = AskTeamForm(submitted(request), teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = follow_ups.ask_to_be_followed(user=request.user, team_id=form.cleaned_data["team"])
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Done. %(team)s now sees your name only. Choose below what it may see.")
                % {"team": follow_up.team.name},
            )
            return redirect("portal-home")
    context = {"form": form, "teams": teams, "nav": "portal-home", "body_class": "portal"}
    return render_with_forms(request, "records/ask_team.html", context, form)
