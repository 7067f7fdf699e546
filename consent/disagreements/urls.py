"""The addresses of what the person disagrees with in their record, and the auditors' answers.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.disagreements import api, views

api_patterns: list[URLPattern] = [
    path("portal/disagreements/", api.MyDisagreements.as_view(), name="portal-disagreements-api"),
    path("audit/disagreements/", api.DisagreementQueue.as_view(), name="disagreement-queue-api"),
    path(
        "audit/disagreements/<int:pk>/answer/",
        api.AnswerDisagreement.as_view(),
        name="disagreement-answer-api",
    ),
]

page_patterns: list[URLPattern] = [
    path("portal/disagreements/", views.mine, name="portal-disagreements"),
    path("portal/disagreements/new/", views.disagree, name="portal-disagree"),
    path("audit/disagreements/", views.queue, name="disagreement-queue"),
    path("audit/disagreements/<int:pk>/answer/", views.answer, name="disagreement-answer"),
]
