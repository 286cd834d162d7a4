from django.urls import path

from hanse.circles import views, views_multipliers

app_name = "circles"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:round_id>/signup/", views.signup, name="signup"),
    path("rounds/<int:round_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:circle_id>/", views.space, name="space"),
    path("<int:circle_id>/progress/", views.progress, name="progress"),
    path("<int:circle_id>/goal/", views.goal, name="goal"),
    path("<int:circle_id>/relationships/", views.relationship_add, name="relationship_add"),
    path(
        "<int:circle_id>/relationships/<int:relationship_id>/",
        views.relationship_edit,
        name="relationship_edit",
    ),
    path("<int:circle_id>/checkin/", views.checkin, name="checkin"),
    path("coordination/", views.coordination, name="coordination"),
    path("friends/new/", views.friends_new, name="friends_new"),
    path("friends/<int:proposal_id>/", views.friends_detail, name="friends_detail"),
    path("friends/<int:proposal_id>/answer/", views.friends_answer, name="friends_answer"),
    path("<int:circle_id>/meeting-link/", views.meeting_link, name="meeting_link"),
    path("<int:circle_id>/retrospective/", views.retrospective, name="retrospective"),
    path("<int:circle_id>/story/", views.story, name="story"),
    path("<int:circle_id>/another/", views.another, name="another"),
    path("coordination/rounds/<int:round_id>/", views.matching, name="matching"),
    path("coordination/rounds/<int:round_id>/check/", views.move_check, name="move_check"),
    path("connectoren/", views_multipliers.find, name="multipliers"),
    path("connectoren/volunteer/", views_multipliers.volunteer, name="volunteer"),
    path("connectoren/<int:multiplier_id>/ask/", views_multipliers.ask, name="ask"),
    path("connectoren/coverage/", views_multipliers.coverage, name="coverage"),
    path("connectoren/<int:multiplier_id>/decide/", views_multipliers.decide, name="decide"),
    path("connectoren/onboarding/", views_multipliers.onboarding, name="onboarding"),
    path(
        "connectoren/onboarding/<int:item_id>/tick/",
        views_multipliers.onboarding_tick,
        name="onboarding_tick",
    ),
    path(
        "connectoren/onboarding/steps/",
        views_multipliers.onboarding_steps,
        name="onboarding_steps",
    ),
    path(
        "connectoren/onboarding/steps/<int:item_id>/",
        views_multipliers.onboarding_step_edit,
        name="onboarding_step_edit",
    ),
    path(
        "connectoren/onboarding/steps/<int:item_id>/delete/",
        views_multipliers.onboarding_step_delete,
        name="onboarding_step_delete",
    ),
    path("connectoren/stories/", views_multipliers.stories, name="stories"),
    path("connectoren/stories/new/", views_multipliers.story_new, name="story_new"),
    path(
        "connectoren/stories/mark/<int:post_id>/",
        views_multipliers.story_mark,
        name="story_mark",
    ),
    path(
        "connectoren/stories/unmark/<int:post_id>/",
        views_multipliers.story_unmark,
        name="story_unmark",
    ),
]
