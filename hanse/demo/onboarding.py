"""A new starter: created after every other phase, so none of them gives her follows,
memberships, posts or notifications. She sees the first-day checklist with every step open;
the other demo accounts have done most of its steps through the earlier phases."""

from __future__ import annotations

from hanse.demo import data
from hanse.demo.context import DemoContext
from hanse.people.models import OrgUnit, User


def create_new_starter(ctx: DemoContext) -> None:
    account = data.NEW_STARTER
    branch = next(u for u in ctx.units if u.kind == OrgUnit.Kind.BRANCH)
    User.objects.create(
        username=account.username,
        first_name=account.first_name,
        last_name=account.last_name,
        email=f"{account.username}@{data.MAIL_DOMAIN}",
        password=ctx.password_hash,
        job_title=account.job_title,
        org_unit=branch.obj,
        location=branch.location,
        phone=f"{data.PHONE_PREFIX}1999",
        date_joined=ctx.now,
    )
    ctx.counts["people"] = ctx.counts.get("people", 0) + 1
