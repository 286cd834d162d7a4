"""Why Hanse stores what it stores about people: one description per app label.

The machinery (hanse/core/processing.py) finds the tables and fields from the models; this
table says purpose, legal basis, recipients and retention. A model with a reference to a person
in an app without a line here makes tests/processing/test_record.py fail.

These are Hanse's defaults for a bank's intranet. The data protection officer checks them
against the bank's works agreement and its own record before relying on them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hanse.core.processing import Activity, register

EMPLOYMENT = _(
    "Art. 6(1)(b) and Art. 88 GDPR with Section 26 BDSG (employment relationship); "
    "the works agreement on the intranet"
)
SECURITY = _("Art. 6(1)(f) GDPR (legitimate interest: securing the intranet), Art. 32 GDPR")
OBLIGATION = _(
    "Art. 6(1)(c) GDPR (legal obligation: traceability of access for a supervised bank), "
    "Art. 32 GDPR"
)
EMPLOYEES = _("Employees and other people with an account")
UNTIL_DELETED = _("Kept while the account exists, or until its author or a moderator deletes it.")
WITH_ACCOUNT = _("Kept while the account exists.")
ADMINS = _("Platform administrators (Django admin)")


ACTIVITIES = [
    Activity(
        app_label="people",
        name=_("Directory and profiles"),
        purpose=_(
            "Account, profile and org chart: who works where, how to reach them, whom they follow."
        ),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("All signed-in employees (directory); HR and administrators change it"),
        retention=_("Kept while the person works for the bank; deactivated when they leave."),
    ),
    Activity(
        app_label="account",
        name=_("E-mail addresses for sign-in"),
        purpose=_("Signing in, password reset and notifications by e-mail."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=ADMINS,
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="mfa",
        name=_("Second factors"),
        purpose=_("Two-factor authentication: authenticator apps, security keys, recovery codes."),
        legal_basis=SECURITY,
        data_subjects=EMPLOYEES,
        recipients=_("Nobody; administrators see only that a factor exists"),
        retention=_("Kept until the person removes the factor or the account is deleted."),
    ),
    Activity(
        app_label="usersessions",
        name=_("Sessions"),
        purpose=_("Showing a person their sessions (device, place, last activity) to end them."),
        legal_basis=SECURITY,
        data_subjects=EMPLOYEES,
        recipients=_("The person themselves"),
        retention=_("Deleted when the session ends or expires (SESSION_ABSOLUTE_TIMEOUT)."),
        also_stores=("sessions.Session",),
    ),
    Activity(
        app_label="socialaccount",
        name=_("Single sign-on identities"),
        purpose=_(
            "Signing in through the bank's identity provider (OpenID Connect, SAML): which "
            "identity at the provider belongs to which account, with the claims it sent."
        ),
        legal_basis=SECURITY,
        data_subjects=EMPLOYEES,
        recipients=ADMINS,
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="identity",
        name=_("Identity, provisioning and sessions"),
        purpose=_(
            "Provisioning from SCIM and the directory (LDAP), second factors required by role, "
            "the list of one's own sessions."
        ),
        legal_basis=SECURITY,
        data_subjects=EMPLOYEES,
        recipients=ADMINS,
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="api",
        name=_("Personal access tokens"),
        purpose=_("Access to the API on a person's behalf (stored as hashes)."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("The person themselves"),
        retention=_("Kept until revoked or expired; revoked on password change and deactivation."),
    ),
    Activity(
        app_label="core",
        name=_("Repeated requests"),
        purpose=_("Recognising a repeated API request (idempotency keys) so it is not done twice."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Nobody"),
        retention=_("Deleted after a day."),
    ),
    Activity(
        app_label="admin",
        name=_("Django admin's change history"),
        purpose=_("Which administrator changed which object in Django admin."),
        legal_basis=OBLIGATION,
        data_subjects=ADMINS,
        recipients=ADMINS,
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="audit",
        name=_("Audit log"),
        purpose=_(
            "Tamper-evident record of security and administrative events (sign-ins, role "
            "changes, exports, moderation)."
        ),
        legal_basis=OBLIGATION,
        data_subjects=EMPLOYEES,
        recipients=_("Staff with the audit permission; the SIEM the export is handed to"),
        retention=_("Deleted after the audit log's retention period."),
        retention_policies=("audit",),
        also_stores=("audit.AuditEntry",),
    ),
    Activity(
        app_label="communities",
        name=_("Communities"),
        purpose=_("Memberships, join requests and invitations of communities."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Members of the community; for open communities all employees"),
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="posts",
        name=_("Posts, comments and announcements"),
        purpose=_(
            "Publishing and discussing posts; must-read announcements and who confirmed them."
        ),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the community or audience; named confirmations only to staff"),
        retention=UNTIL_DELETED,
        retention_policies=("removed_content",),
    ),
    Activity(
        app_label="chat",
        name=_("Chat"),
        purpose=_("Conversations in channels, group and direct messages."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Members of the channel; nobody else, administrators included"),
        retention=_("Deleted after the chat retention period, if one is set."),
        retention_policies=("chat", "removed_content"),
    ),
    Activity(
        app_label="events",
        name=_("Events"),
        purpose=_("Organising events, replies to invitations, reminders and calendar feeds."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the event; attendee lists to its organisers"),
        retention=UNTIL_DELETED,
        retention_policies=("removed_content",),
    ),
    Activity(
        app_label="wiki",
        name=_("Wiki"),
        purpose=_("Community knowledge pages with their revisions and reviewers."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the community"),
        retention=UNTIL_DELETED,
    ),
    Activity(
        app_label="files",
        name=_("Library"),
        purpose=_("Files and folders of communities with their versions and uploaders."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the community"),
        retention=UNTIL_DELETED,
    ),
    Activity(
        app_label="notifications",
        name=_("Notifications"),
        purpose=_("Telling people what concerns them, in the app, by e-mail and by push."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("The person notified; the e-mail and push services that deliver"),
        retention=_("Read notifications are deleted after the retention period."),
        retention_policies=("notifications",),
    ),
    Activity(
        app_label="moderation",
        name=_("Moderation"),
        purpose=_("Reports, hidden and removed content, warnings and suspensions."),
        legal_basis=SECURITY,
        data_subjects=EMPLOYEES,
        recipients=_("Moderators of the community and platform moderators"),
        retention=_("Removed content is deleted after its retention period; decisions are kept."),
        retention_policies=("removed_content",),
    ),
    Activity(
        app_label="privacy",
        name=_("Data exports and erasures"),
        purpose=_(
            "A person's copy of their own data (Art. 15 and 20 GDPR), built on their request; "
            "the record of each erasure of a person (Art. 17 GDPR, see “Erasure of a person” "
            "below)."
        ),
        legal_basis=_("Art. 6(1)(c) GDPR with Art. 15, 17 and 20 GDPR (the person's rights)"),
        data_subjects=EMPLOYEES,
        recipients=_(
            "The export: only the person who asked for it. The erasure record: platform "
            "administrators"
        ),
        retention=_(
            "The archive is deleted after DATA_EXPORT_DAYS (7 days by default). An erasure's "
            "record refers to the person only while it runs; afterwards it keeps the policy, "
            "who asked, the counts and the dates."
        ),
    ),
    Activity(
        app_label="onboarding",
        name=_("First-day checklist"),
        purpose=_("Showing a new employee what they have done of their first steps."),
        legal_basis=EMPLOYMENT,
        data_subjects=_("New employees"),
        recipients=_("The person themselves"),
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="circles",
        name=_("Working Out Loud circles"),
        purpose=_("Matching people into circles, friend circles and multipliers."),
        legal_basis=_("Art. 6(1)(a) GDPR (consent: taking part is voluntary)"),
        data_subjects=_("Employees who sign up"),
        recipients=_("Members of the same circle; the organisers of a round"),
        retention=WITH_ACCOUNT,
    ),
    Activity(
        app_label="search",
        name=_("Saved searches"),
        purpose=_("Searches a person saved to run again."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("The person themselves"),
        retention=_("Kept until the person deletes them."),
    ),
    Activity(
        app_label="participation",
        name=_("Polls, questions, praise and town halls"),
        purpose=_("Votes, questions and answers, praise and town hall questions."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the community; anonymous votes are shown to nobody"),
        retention=UNTIL_DELETED,
    ),
    Activity(
        app_label="ideas",
        name=_("Ideas and experiments"),
        purpose=_("Ideas, their supporters, comments, reviews and experiments."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the campaign; reviewers"),
        retention=UNTIL_DELETED,
        retention_policies=("removed_content",),
    ),
    Activity(
        app_label="decisions",
        name=_("Consent decisions"),
        purpose=_("Proposals, the responses of the people who decide, and outcomes."),
        legal_basis=EMPLOYMENT,
        data_subjects=EMPLOYEES,
        recipients=_("Who may see the community"),
        retention=UNTIL_DELETED,
    ),
    Activity(
        app_label="analytics",
        name=_("Network analytics"),
        purpose=_(
            "Aggregate figures about collaboration between units; never about single people."
        ),
        legal_basis=_("Art. 6(1)(f) GDPR and the works agreement (off until enabled)"),
        data_subjects=EMPLOYEES,
        recipients=_("Staff with analytics access, only groups of at least the minimum size"),
        retention=_("Raw interactions are deleted after their retention period."),
        retention_policies=("analytics_edges",),
    ),
    # Guests from partner organisations (issue 20, hanse/guests).
    Activity(
        app_label="guests",
        name=_("Guest invitations"),
        purpose=_(
            "Inviting people of partner organisations into a community: address, organisation, "
            "who invited them, until when their access lasts."
        ),
        legal_basis=_(
            "Art. 6(1)(b) GDPR (the joint project with the partner organisation) and "
            "Art. 6(1)(f) GDPR (securing the intranet)"
        ),
        data_subjects=_("Guests from partner organisations and the employees who invite them"),
        recipients=_("The community's owners and moderators; administrators"),
        retention=_("Kept while the community or the guest's account exists."),
    ),
]


# How an erasure (Art. 17 GDPR, hanse/privacy/erasure.py) runs. What it does to each app's data
# is not written here: each app says it next to its erase step (``ErasureNote`` in its
# personal_data.py), and the record reads it from that registry
# (``hanse.core.processing.erasure_by_app``).
ERASURE_HOW = _(
    "A platform administrator erases a person on request (the erasure page, or the "
    "command hanse_erase_person). The account is deactivated at once (sessions end, API "
    "tokens stop working); each app's erase step then runs in the task queue, and the "
    "account is deleted last."
)
ERASURE_POLICIES = _(
    "Policy “pseudonymise”: the person's content stays and moves to a new account without "
    "name or e-mail address, shown as “Former employee”, which cannot sign in and has no "
    "profile. Policy “delete”: the person's content is deleted with what hangs under it. "
    "Under both, the account itself and what belongs only to it are deleted last; name, "
    "e-mail address and id then remain nowhere in Hanse but the audit log. Per app:"
)


def register_all() -> None:
    for activity in ACTIVITIES:
        register(activity)
