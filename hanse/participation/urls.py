from django.urls import path

from hanse.participation import views, views_praise, views_questions, views_townhalls

app_name = "participation"

urlpatterns = [
    path("polls/new/", views.poll_new, name="poll_new"),
    path("polls/<int:poll_id>/", views.poll, name="poll"),
    path("polls/<int:poll_id>/vote/", views.vote, name="vote"),
    path("polls/<int:poll_id>/close/", views.close, name="close"),
    path("polls/<int:poll_id>/remind/", views.remind, name="remind"),
    path("polls/<int:poll_id>/export.csv", views.export, name="export"),
    path("questions/", views_questions.question_list, name="questions"),
    path("questions/new/", views_questions.question_new, name="question_new"),
    path("questions/similar/", views_questions.question_similar, name="question_similar"),
    path("questions/<int:question_id>/", views_questions.question, name="question"),
    path("questions/<int:question_id>/answer/", views_questions.answer_create, name="answer"),
    path("questions/<int:question_id>/accept/", views_questions.answer_accept, name="accept"),
    path("answers/<int:comment_id>/upvote/", views_questions.answer_upvote, name="upvote"),
    path("praise/", views_praise.praise_new, name="praise_new"),
    path("praise/<int:praise_id>/hide/", views_praise.praise_hide, name="praise_hide"),
    # Town halls.
    path("townhalls/", views_townhalls.townhall_list, name="townhalls"),
    path("townhalls/new/", views_townhalls.townhall_new, name="townhall_new"),
    path("townhalls/people/", views_townhalls.people_suggest, name="townhall_people"),
    path("townhalls/<int:townhall_id>/", views_townhalls.townhall, name="townhall"),
    path("townhalls/<int:townhall_id>/edit/", views_townhalls.townhall_edit, name="townhall_edit"),
    path(
        "townhalls/<int:townhall_id>/presenter/",
        views_townhalls.presenter,
        name="townhall_presenter",
    ),
    path("townhalls/<int:townhall_id>/ask/", views_townhalls.ask, name="townhall_ask"),
    path(
        "townhalls/questions/<int:question_id>/upvote/",
        views_townhalls.upvote,
        name="townhall_upvote",
    ),
    path(
        "townhalls/questions/<int:question_id>/moderate/",
        views_townhalls.moderate,
        name="townhall_moderate",
    ),
]
