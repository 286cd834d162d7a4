from django.urls import path

from hanse.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggest/", views.suggestions, name="suggest"),
    path("experts/", views.experts_page, name="experts"),
]
