from __future__ import annotations

from typing import Any

from django import template

from hanse.identity import rules
from hanse.identity.selectors import has_second_factor

register = template.Library()


@register.simple_tag(takes_context=True)
def mfa_enrolment_due(context: Any) -> bool:
    """True when the viewer's role requires a second factor and they have none yet."""
    user = context["request"].user
    return rules.mfa_required(user) and not has_second_factor(user)
