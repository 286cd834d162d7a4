from django.urls import path

from hanse.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggest/", views.suggestions, name="suggest"),
    path("experts/", views.experts_page, name="experts"),
    path("saved/", views.saved_list, name="saved"),
    path("saved/new/", views.saved_create, name="saved_create"),
    path("saved/<int:saved_id>/notify/", views.saved_notify, name="saved_notify"),
    path("saved/<int:saved_id>/delete/", views.saved_delete, name="saved_delete"),
]
