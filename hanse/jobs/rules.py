"""Who may see and act on the operator page: operators (active staff and platform
administrators, ``hanse.core.rules.is_operator``). Everyone else gets a 404."""

from __future__ import annotations

import rules

from hanse.core.rules import is_operator

rules.add_perm("jobs.operate", is_operator)
