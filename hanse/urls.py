from django.contrib import admin
from django.urls import include, path, re_path

from hanse.api.urls import api
from hanse.core.files import serve_media
from hanse.identity import views as identity_views
from hanse.identity.views import admin_login_redirect
from hanse.people.language import language_set

handler500 = "hanse.core.views.server_error"
# allauth's own refusals (password reset) get our 429 page with Retry-After (RATE_LIMITS).
handler429 = "hanse.core.ratelimit.handler429"
# A body over the size limit (RequestDataTooBig) is a SuspiciousOperation, which Django answers
# through this handler: it turns it into a 413 in the person's language.
handler400 = "hanse.core.views.bad_request"

admin.site.site_header = "Hanse"
admin.site.site_title = "Hanse"

urlpatterns = [
    path("", include("hanse.core.urls")),
    path("", include("hanse.home.urls")),
    path("people/", include("hanse.people.urls")),
    path("communities/", include("hanse.communities.urls")),
    path("", include("hanse.posts.urls")),
    path("notifications/", include("hanse.notifications.urls")),
    path("chat/", include("hanse.chat.urls")),
    path("realtime/", include("hanse.realtime.urls")),
    path("events/", include("hanse.events.urls")),
    path("wiki/", include("hanse.wiki.urls")),
    path("library/", include("hanse.files.urls")),
    path("first-steps/", include("hanse.onboarding.urls")),
    path("circles/", include("hanse.circles.urls")),
    path("search/", include("hanse.search.urls")),
    path("participation/", include("hanse.participation.urls")),
    # Operators (staff): tasks of either queue, scheduler jobs (issue 22).
    path("operations/", include("hanse.jobs.urls")),
    path("ideas/", include("hanse.ideas.urls")),
    path("decisions/", include("hanse.decisions.urls")),
    path("guests/", include("hanse.guests.urls")),
    # Network analytics: dashboard (analytics role), "My network", the page for everyone.
    path("analytics/", include("hanse.analytics.urls")),
    # The audit log viewer for administrators.
    path("audit/", include("hanse.audit.urls")),
    # Reports and the moderators' queues (issue 21).
    path("moderation/", include("hanse.moderation.urls")),
    # The record of processing activities for the data protection officer (issue 21).
    path("privacy/processing/", include("hanse.processing.urls")),
    # GDPR Art. 15/20: one's own data export (issue 21).
    path("privacy/", include("hanse.privacy.urls")),
    path("", include("hanse.notifications.urls_pwa")),
    path("settings/tokens/", include("hanse.api.urls_tokens")),
    # Identity: one's own sessions, at allauth's address for them (before allauth's own), and
    # Django admin's login replaced by ours, which asks for the second factor.
    path("accounts/sessions/", include("hanse.identity.urls")),
    path("admin/login/", admin_login_redirect, name="admin_login_redirect"),
    # SCIM 2.0 provisioning (bearer tokens from admin; docs/api.md "SCIM").
    path("scim/v2/", include("hanse.identity.scim.urls")),
    # The HR import for platform administrators (issue 20; docs/operations.md "HR import").
    path("hr-import/", include("hanse.identity.hrimport.urls")),
    # Single logout (issue 20, hanse/identity/slo.py): allauth's logout, SAML ACS and SLS
    # and OpenID Connect callback at their own addresses, with what single logout needs.
    path("accounts/logout/", identity_views.logout, name="account_logout"),
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        identity_views.saml_finish_acs,
        name="saml_finish_acs",
    ),
    path("accounts/saml/<str:organization_slug>/sls/", identity_views.saml_sls, name="saml_sls"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        identity_views.oidc_callback,
        name="openid_connect_callback",
    ),
    path(
        "accounts/oidc/<str:provider_id>/backchannel-logout/",
        identity_views.oidc_backchannel_logout,
        name="oidc_backchannel_logout",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language_set, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# Profile photos are for signed-in employees only: the login-required middleware guards this
# route like every other. Files attached to posts are never served from here: they go through
# posts:file, which checks that the viewer may read the post.
urlpatterns += [
    # Through the storage API (the data directory or object storage, hanse/core/storage.py).
    re_path(r"^media/(?P<path>avatars/.+)$", serve_media),
]
