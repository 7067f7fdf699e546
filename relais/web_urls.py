"""The web interface's pages (the API lives under /api/v1/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from audit import views as audit_views
from consent.consents import views as consent_views
from consent.disagreements import views as disagreement_views
from consent.emergency import services as glass
from consent.emergency import views as glass_views
from consent.information import views as information_views
from consent.recovery import views as recovery_views
from consent.representation import views as representative_views
from consent.space import views as portal_views
from interop import views as interop_views
from records import views as record_views
from records.audit_names import DIRECTORY
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
    path("persons/<int:pk>/", record_views.person, name="person"),
    path("persons/<int:pk>/notes/new/", record_views.note_new, name="note-new"),
    path("persons/<int:pk>/follow-ups/new/", record_views.follow_up_open, name="follow-up-new"),
    path("persons/<int:pk>/contact/", record_views.contact_edit, name="contact-edit"),
    path("notes/<int:pk>/correct/", record_views.note_correct, name="note-correct"),
    path("follow-ups/<int:pk>/close/", record_views.follow_up_close, name="follow-up-close-page"),
    path("persons/<int:pk>/consents/new/", consent_views.consent_new, name="consent-new"),
    path("persons/<int:pk>/portal-code/", consent_views.portal_invite, name="portal-invite"),
    path("consents/<int:pk>/withdraw/", consent_views.consent_withdraw, name="consent-withdrawal"),
    path("consents/<int:pk>/receipt/", consent_views.consent_receipt, name="consent-receipt-page"),
    path("information/", information_views.current, name="information"),
    path("information/<int:pk>/", information_views.text, name="information-text"),
    path("consents/<int:pk>/evidence/", consent_views.consent_evidence, name="consent-evidence"),
    path("portal/activate/", portal_views.activate, name="portal-activation"),
    path("portal/", portal_views.home, name="portal-home"),
    path("portal/confirm/", recovery_views.confirm, name="portal-reset-confirm"),
    path("portal/share/", portal_views.share, name="portal-share"),
    path("portal/consents/<int:pk>/stop/", portal_views.stop_all, name="portal-stop-all"),
    path("portal/journal/", portal_views.journal_page, name="portal-journal"),
    path("portal/consents/<int:pk>/renew/", portal_views.renew, name="portal-renew"),
    path("portal/notices/", portal_views.notices, name="portal-notices"),
    path(
        "portal/emergencies/<int:pk>/acknowledge/", portal_views.acknowledge, name="portal-glass-acknowledge"
    ),
    path("portal/notices/read/", portal_views.notices_read, name="portal-notices-read"),
    path("portal/disagreements/", disagreement_views.mine, name="portal-disagreements"),
    path("portal/disagreements/new/", disagreement_views.disagree, name="portal-disagree"),
    path("audit/disagreements/", disagreement_views.queue, name="disagreement-queue"),
    path("audit/disagreements/<int:pk>/answer/", disagreement_views.answer, name="disagreement-answer"),
    path("portal/notices/email/", portal_views.notices_email, name="portal-notices-email"),
    path("portal/receipts/", portal_views.receipts, name="portal-receipt-list"),
    path("portal/my-data/", portal_views.download, name="portal-download"),
    path("portal/my-data/fhir/", interop_views.bundle_download, name="portal-download-fhir"),
    path("portal/print/", portal_views.printable, name="portal-print"),
    path(
        "audit/",
        audit_views.log,
        {"category_labels": category_labels, "names": DIRECTORY, "glass_review_after": glass.REVIEW_AFTER},
        name="audit-log",
    ),
    path("audit/integrity/", audit_views.integrity, name="audit-integrity"),
    path("audit/emergencies/", glass_views.review_queue, name="glass-queue"),
    path("audit/emergencies/<int:pk>/review/", glass_views.review, name="glass-review"),
    path("audit/resets/", recovery_views.review_queue, name="reset-queue"),
    path("audit/resets/<int:pk>/review/", recovery_views.review, name="reset-review"),
    path("persons/<int:pk>/emergency/", glass_views.break_glass, name="glass-break"),
    path("emergency-accesses/<int:pk>/end/", glass_views.end_early, name="glass-end"),
    path(
        "persons/<int:pk>/representatives/",
        representative_views.person_representatives,
        name="person-representatives",
    ),
    path("representatives/<int:pk>/end/", representative_views.end, name="representative-end"),
    path("representatives/<int:pk>/code/", representative_views.new_code, name="representative-code"),
    path("portal/representatives/", representative_views.portal_page, name="portal-representatives"),
    path(
        "portal/representatives/<int:pk>/end/",
        representative_views.portal_end,
        name="portal-representative-end",
    ),
]
