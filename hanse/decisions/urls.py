from django.urls import path

from hanse.decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.log, name="log"),
    path("c/<slug:slug>/", views.log, name="community_log"),
    path("new/", views.proposal_new, name="proposal_new"),
    path("<int:proposal_id>/", views.proposal, name="proposal"),
    path("<int:proposal_id>/respond/", views.respond, name="respond"),
    path("<int:proposal_id>/amend/", views.amend, name="amend"),
    path("<int:proposal_id>/decide/", views.decide, name="decide"),
]
