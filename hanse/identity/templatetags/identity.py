from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from hanse.identity import rules
from hanse.identity.selectors import has_second_factor

register = template.Library()


@register.simple_tag(takes_context=True)
def mfa_enrolment_due(context: Any) -> bool:
    """True when the viewer's role requires a second factor and they have none yet."""
    user = context["request"].user
    return rules.mfa_required(user) and not has_second_factor(user)


@register.simple_tag(takes_context=True)
def sso_login(context: Any) -> dict[str, Any]:
    """The login page's single sign-on buttons and whether it shows the password form.

    ``LOGIN_PASSWORD_FORM`` off hides the form while an identity provider is configured;
    ``?password=1`` (break-glass for local administrators) and a form with errors show it.
    """
    from allauth.socialaccount.adapter import get_adapter  # needs the app registry

    request = context["request"]
    providers = [
        {"name": provider.name, "url": provider.get_login_url(request)}
        for provider in get_adapter(request).list_providers(request)
    ]
    form = context.get("form")
    show_form = (
        bool(settings.LOGIN_PASSWORD_FORM)
        or not providers
        or request.GET.get("password") == "1"
        or bool(form is not None and form.is_bound)
    )
    return {"providers": providers, "password_form": show_form}
