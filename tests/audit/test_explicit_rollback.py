"""An error answer undoes a request only when the view says so (issue 22, "Explicit rollback").

A domain error says so (the error handlers, a refused form), and so does ``recorder.fail()``. A view
that writes and then answers 4xx without undoing fails loudly in tests; production still rolls the
write back and logs an error. Each test goes through the middleware that runs every request.
"""

from __future__ import annotations

import logging

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from audit import recorder
from audit.models import AccessEvent, Outcome
from core.domain_errors import Invalid
from teams.models import Team
from tests.factories import make_team
from web import error_responses
from web.middleware import AuditedRequestMiddleware
from web.pages import form_errors

pytestmark = pytest.mark.django_db

NAME = "Équipe écrite puis refusée"


@recorder.action
def _write() -> None:
    make_team(NAME)


def _run(view) -> HttpResponse:
    return AuditedRequestMiddleware(view)(RequestFactory().post("/teams/new"))


def _written() -> bool:
    return Team.objects.filter(name=NAME).exists()


def test_a_view_that_writes_then_answers_4xx_without_undoing_fails_loudly():
    def view(request: HttpRequest) -> HttpResponse:
        _write()
        return HttpResponse(status=400)

    with pytest.raises(recorder.UndeclaredRollback, match="answered 400 after a write"):
        _run(view)
    assert not _written()


def test_in_production_the_undeclared_write_is_still_rolled_back_and_logged(settings, caplog):
    settings.RELAIS_STRICT_ROLLBACK = False

    def view(request: HttpRequest) -> HttpResponse:
        _write()
        return HttpResponse(status=409)

    with caplog.at_level(logging.ERROR, logger="audit.recorder"):
        assert _run(view).status_code == 409
    assert not _written()
    assert "answered 409 after a write it did not undo" in caplog.text


def test_a_domain_error_undoes_the_work():
    def view(request: HttpRequest) -> HttpResponse:
        _write()
        try:
            raise Invalid("name", "taken")
        except Invalid as exc:
            return error_responses.handle_api_exception(exc, {"request": request})

    assert _run(view).status_code == 400
    assert not _written()


def test_a_refusal_put_on_a_form_undoes_the_work_and_keeps_the_refusal():
    class NameForm(forms.Form):
        name = forms.CharField()

    def view(request: HttpRequest) -> HttpResponse:
        _write()
        recorder.deny(None, "team.create", reason="NotAManager")
        form = NameForm({"name": NAME})
        form.is_valid()
        form_errors(form, Invalid("name", "taken"))
        return HttpResponse(status=400)

    assert _run(view).status_code == 400
    assert not _written()
    assert AccessEvent.objects.filter(action="team.create", outcome=Outcome.DENIED).exists()


def test_an_explicit_fail_undoes_the_work_even_with_a_success_status():
    def view(request: HttpRequest) -> HttpResponse:
        _write()
        recorder.fail()
        return HttpResponse(status=200)

    assert _run(view).status_code == 200
    assert not _written()


def test_an_error_answer_that_wrote_nothing_needs_no_word():
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=404)

    assert _run(view).status_code == 404
