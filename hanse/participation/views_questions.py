"""Question pages: the lists (company-wide and per community), asking with similar questions
suggested while typing, a question with its answers (accepted first, then by upvotes),
answering, upvoting and accepting."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.participation import questions as question_services
from hanse.participation import rules, selectors
from hanse.posts.selectors.posts import get_comment_for
from hanse.posts.services.comments import comment_create

MAX_QUESTION_CHARS = 5000


class QuestionForm(forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("Community"), choices=())
    body = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=MAX_QUESTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Ask a question first.")},
    )


def _question_url(question_id: int) -> str:
    return reverse("participation:question", args=[question_id])


@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    """Unanswered, unsolved or solved questions: in one community (?community=) or in all
    the communities the person can read."""
    viewer = http.viewer(request)
    community = None
    if slug := request.GET.get("community"):
        community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    state = request.GET.get("state", "unsolved")
    if state not in selectors.QUESTION_FILTERS:
        state = "unsolved"
    found = selectors.questions(viewer=viewer, community=community, state=state)
    tabs = [
        ("unsolved", _("Unsolved")),
        ("unanswered", _("Unanswered")),
        ("solved", _("Solved")),
        ("all", _("All")),
    ]
    return render(
        request,
        "participation/questions.html",
        {"questions": found, "community": community, "state": state, "tabs": tabs},
    )


@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    mine = {c.slug: c for c in community_selectors.communities_of(user=viewer)}
    form = QuestionForm(request.POST or None, initial={"community": request.GET.get("community")})
    form.fields["community"].choices = [(slug, c.name) for slug, c in mine.items()]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            question = question_services.question_create(
                author=viewer,
                community=mine[form.cleaned_data["community"]],
                body=form.cleaned_data["body"],
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your question is published."))
            return HttpResponseRedirect(_question_url(question.pk))
    return render(request, "participation/question_new.html", {"form": form, "mine": mine})


@require_GET
def question_similar(request: HttpRequest) -> HttpResponse:
    """The similar questions shown under the question while it is typed (htmx)."""
    text = (request.GET.get("body") or "")[:MAX_QUESTION_CHARS]
    found = selectors.similar_questions(viewer=http.viewer(request), text=text)
    return render(request, "participation/_similar.html", {"similar": found})


@require_GET
def question(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_question_for(viewer=viewer, question_id=question_id)
    return render(
        request,
        "participation/question.html",
        {
            "question": found,
            "answers": selectors.answers(viewer=viewer, question=found),
            "can_accept": rules.may_accept_answer(viewer, found),
        },
    )


@require_POST
def answer_create(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_question_for(viewer=viewer, question_id=question_id)
    http.attempt(
        request,
        lambda: comment_create(post=found.post, author=viewer, body=request.POST.get("body", "")),
        _("Your answer is published."),
    )
    return HttpResponseRedirect(_question_url(found.pk))


@require_POST
def answer_upvote(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    answer = get_comment_for(viewer=viewer, comment_id=comment_id)
    found = selectors.get_question_for_post(viewer=viewer, post_id=answer.post_id)
    on = request.POST.get("on", "1") == "1"
    try:
        question_services.answer_upvote(answer=answer, by=viewer, on=on)
    except ServiceError as exc:
        http.flash_error(request, exc)
    return HttpResponseRedirect(_question_url(found.pk) + f"#answer-{answer.pk}")


@require_POST
def answer_accept(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_question_for(viewer=viewer, question_id=question_id)
    if request.POST.get("undo"):
        http.attempt(
            request,
            lambda: question_services.answer_unaccept(question=found, by=viewer),
            _("The question is open again."),
        )
    else:
        try:
            comment_id = int(request.POST.get("answer", ""))
        except ValueError:
            comment_id = 0
        answer = get_comment_for(viewer=viewer, comment_id=comment_id)
        http.attempt(
            request,
            lambda: question_services.answer_accept(question=found, answer=answer, by=viewer),
            _("The answer is accepted; the question is solved."),
        )
    return HttpResponseRedirect(_question_url(found.pk))
