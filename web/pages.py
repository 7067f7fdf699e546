"""What every page with a form shares: a refused action shown on its form, with an error status.

A page that shows a form with errors answers 400 (409 for a conflict). A service's refusal put on
the form (``form_errors``) undoes the request: nothing of it is kept but its refusals and what the
page shows (see ``audit.recorder.error_answer``). Domain errors
that a page does not catch become error pages in ``web.error_responses``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit import recorder
from audit.disclosure import Selection
from core.domain_errors import Conflict, DomainError


def submitted(request: HttpRequest):
    """The form data of a POST, even an empty one (an empty POST is a form sent empty, not a GET)."""
    return request.POST if request.method == "POST" else None


def submitted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def form_errors(form: forms.BaseForm, exc: DomainError) -> None:
    """Put a service's refusal on the form: per field when it names one, on the form otherwise.

    The request is then undone (``recorder.fail``): the page shown again with its error keeps
    nothing of what the view did before, only its refusals and what the page shows."""
    recorder.fail()
    if isinstance(exc, Conflict):
        form.conflict = True  # type: ignore[attr-defined]
    if isinstance(exc.detail, dict):
        for field, errors in exc.detail.items():
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(field if field in form.fields else None, str(error))
    else:
        form.add_error(None, str(exc.detail))


def form_status(*forms_shown: forms.BaseForm | None) -> int:
    """200, or 400 when a submitted form has errors, or 409 when a service found a conflict."""
    status = 200
    for form in forms_shown:
        if form is None or not form.is_bound or not form.errors:
            continue
        if getattr(form, "conflict", False):
            return 409
        status = 400
    return status


def render_with_forms(
    request: HttpRequest, template: str, context: dict[str, Any], *forms_shown: forms.BaseForm | None
) -> HttpResponse:
    """Render a page; its status says whether a submitted form was refused."""
    return render(request, template, context, status=form_status(*forms_shown))


def disclosed_page(
    request: HttpRequest,
    selection: Selection[Any],
    per_page: int,
    *,
    param: str = "page",
    count: int | None = None,
) -> tuple[Page[Any], Sequence[Any]]:
    """The page of ``selection`` asked for in ``?page=``, recorded as shown: (the page, what to show).

    ``count`` is how many rows the selection has, where the caller has counted them already."""
    paginator = Paginator(selection.rows, per_page)
    if count is not None:
        paginator.count = count  # type: ignore[misc]  # a cached property: known, not asked again
    page = paginator.get_page(request.GET.get(param))
    return page, selection.disclose(list(page.object_list))


def disclosed(selection: Selection):
    """All of ``selection``, recorded as shown (for short lists a page shows whole, like a history)."""
    return selection.disclose(list(selection.rows))


def confirmed(request: HttpRequest) -> bool:
    """Whether an irreversible act was confirmed: sent by the button inside the question its first
    tap opened (``<details class="confirm">``, no script needed), never by a single tap."""
    return request.POST.get("confirmed") == "yes"


def unconfirmed(request: HttpRequest) -> HttpResponse:
    """An irreversible act sent without its confirmation: nothing is done, nothing is read (400)."""
    message = _("Nothing was changed: this cannot be undone, so confirm it with the button that says so.")
    return render(request, "400.html", {"message": message}, status=400)
