from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.chat.models import MAX_MESSAGE_CHARS, Channel


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(
        label=_("Who can find and join it"),
        choices=[
            (Channel.Kind.PUBLIC, _("Public: every employee can find and join it")),
            (Channel.Kind.PRIVATE, _("Private: only people who are added")),
        ],
        initial=Channel.Kind.PUBLIC,
        widget=forms.RadioSelect,
    )
    topic = forms.CharField(label=_("Topic"), max_length=250, required=False)


class TopicForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=250, required=False)


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MAX_MESSAGE_CHARS, widget=forms.Textarea(attrs={"rows": 4})
    )
