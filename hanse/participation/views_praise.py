"""Praise pages: say thank you (with the counts per value), hide praise from one's profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.participation import praise as praise_services
from hanse.participation import selectors
from hanse.participation.models import PraiseValue
from hanse.participation.praise import MAX_PRAISE_CHARS
from hanse.people.models import User


class PraiseForm(forms.Form):
    recipient = forms.CharField(label=gettext_lazy("Whom do you thank? (username)"), max_length=150)
    value = forms.ModelChoiceField(
        label=gettext_lazy("For which value?"),
        queryset=PraiseValue.objects.filter(active=True),
        empty_label=None,
    )
    message = forms.CharField(
        label=gettext_lazy("Your thanks"),
        max_length=MAX_PRAISE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write something first.")},
    )
    where = forms.ChoiceField(label=gettext_lazy("Where"), choices=())

    def __init__(self, *args: Any, communities: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = communities
        self.fields["where"].choices = [  # type: ignore[attr-defined]
            ("company", _("Everyone in the company")),
            *[(slug, c.name) for slug, c in communities.items()],
        ]

    def clean_recipient(self) -> User:
        username = self.cleaned_data["recipient"].strip().lstrip("@")
        person = User.objects.filter(username__iexact=username, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("Nobody with this username works here."))
        return person


@require_http_methods(["GET", "POST"])
def praise_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    mine = {c.slug: c for c in community_selectors.communities_of(user=viewer)}
    form = PraiseForm(
        request.POST or None,
        initial={"recipient": request.GET.get("to", ""), "where": "company"},
        communities=mine,
    )
    if request.method == "POST" and form.is_valid():
        where = form.cleaned_data["where"]
        try:
            praise = praise_services.praise_create(
                author=viewer,
                recipient=form.cleaned_data["recipient"],
                value=form.cleaned_data["value"],
                message=form.cleaned_data["message"],
                community=mine.get(where),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your thanks is published."))
            return HttpResponseRedirect(reverse("posts:detail", args=[praise.post_id]))
    counts = selectors.praise_counts(viewer=viewer)
    return render(request, "participation/praise.html", {"form": form, "counts": counts})


@require_POST
def praise_hide(request: HttpRequest, praise_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_praise_for(viewer=viewer, praise_id=praise_id)
    show = bool(request.POST.get("show"))
    http.attempt(
        request,
        lambda: praise_services.praise_hide(praise=found, by=viewer, hidden=not show),
        _("Shown on your profile again.") if show else _("Hidden from your profile."),
    )
    return http.redirect_next(request, reverse("people:profile", args=[viewer.username]))
