"""The web interface's pages (the API lives under /api/v1/); each part of consent lists its own
(``consent/<part>/urls.py``, its ``page_patterns``)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from audit import views as audit_views
from consent.consents import urls as consents_urls
from consent.disagreements import urls as disagreements_urls
from consent.emergency import services as glass
from consent.emergency import urls as emergency_urls
from consent.information import urls as information_urls
from consent.notices import urls as notices_urls
from consent.recovery import urls as recovery_urls
from consent.representation import urls as representation_urls
from consent.say import urls as say_urls
from consent.space import urls as space_urls
from interop import views as interop_views
from records import views as record_views
from records.audit_names import DIRECTORY
from relais import person_page
from teams import mfa_views
from teams import views as team_views
from teams.selectors import category_labels

urlpatterns = [
    path("", team_views.home, name="home"),
    path("login/", team_views.SignIn.as_view(), name="login"),
    path("login/oidc/", team_views.oidc_start, name="oidc-start"),
    path("login/oidc/callback/", team_views.oidc_callback, name="oidc-callback"),
    path("login/factor/", mfa_views.factor, name="login-factor"),
    path("login/enrol/", mfa_views.enrol, name="login-enrol"),
    path("login/password/", mfa_views.new_password, name="login-password"),
    path("account/code/", mfa_views.account_code, name="account-code"),
    path("me/security/", mfa_views.security, name="security"),
    path("me/security/add/", mfa_views.security_add, name="security-add"),
    path(
        "me/security/totp/remove/", mfa_views.security_remove, {"kind": "totp"}, name="security-totp-remove"
    ),
    path(
        "me/security/passkeys/<int:pk>/remove/",
        mfa_views.security_remove,
        {"kind": "passkey"},
        name="security-passkey-remove",
    ),
    path("me/security/recovery-codes/", mfa_views.security_codes, name="security-codes"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("commitment/", team_views.commitment, name="commitment"),
    path("password/", team_views.password_change, name="password-change"),
    path("password/forgotten/", team_views.password_forgotten, name="password-forgotten"),
    path("me/presentation/", team_views.presentation, name="presentation"),
    path("persons/", record_views.persons, name="persons"),
    path("handover/", record_views.handover_page, name="handover"),
    path("renewals/", record_views.renewals_page, name="renewals"),
    path("persons/new/", record_views.person_new, name="person-new"),
    path("persons/<int:pk>/", person_page.person, name="person"),
    path("persons/<int:pk>/notes/new/", person_page.note_new, name="note-new"),
    path("persons/<int:pk>/follow-ups/new/", person_page.follow_up_open, name="follow-up-new"),
    path("persons/<int:pk>/contact/", record_views.contact_edit, name="contact-edit"),
    path("portal/other-teams/", record_views.ask_team, name="portal-ask-team"),
    path("notes/<int:pk>/correct/", record_views.note_correct, name="note-correct"),
    path("follow-ups/<int:pk>/close/", record_views.follow_up_close, name="follow-up-close-page"),
    path("portal/my-data/fhir/", interop_views.bundle_download, name="portal-download-fhir"),
    path(
        "audit/",
        audit_views.log,
        {"category_labels": category_labels, "names": DIRECTORY, "glass_review_after": glass.REVIEW_AFTER},
        name="audit-log",
    ),
    path("audit/integrity/", audit_views.integrity, name="audit-integrity"),
    path("", include(consents_urls.page_patterns)),
    path("", include(space_urls.page_patterns)),
    path("", include(notices_urls.page_patterns)),
    path("", include(recovery_urls.page_patterns)),
    path("", include(disagreements_urls.page_patterns)),
    path("", include(representation_urls.page_patterns)),
    path("", include(emergency_urls.page_patterns)),
    path("", include(say_urls.page_patterns)),
    path("", include(information_urls.page_patterns)),
]
