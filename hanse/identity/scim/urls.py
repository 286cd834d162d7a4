"""SCIM 2.0 routes. The views (and the pydantic models of scim2-models behind them, the slowest
import of the whole URLconf: about 0.85 CPU-s) are imported on the first SCIM request, not
when a process starts: every web, worker and management process loads the URLconf (the
system checks do), and only the SCIM endpoint needs them."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt


def _view(name: str) -> Callable[..., HttpResponse]:
    """The view ``name`` of hanse.identity.scim.views, imported when first called. Marked
    like the views themselves (scim_endpoint): bearer tokens, not cookies or sessions."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from hanse.identity.scim import views  # on the first SCIM request: see the module note

        return getattr(views, name)(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    return csrf_exempt(login_not_required(view))


app_name = "scim"
urlpatterns = [
    path("ServiceProviderConfig", _view("service_provider_config"), name="service_provider_config"),
    path("ResourceTypes", _view("resource_types"), name="resource_types"),
    path("ResourceTypes/<str:name>", _view("resource_types"), name="resource_type"),
    path("Schemas", _view("schemas"), name="schemas"),
    path("Schemas/<str:schema_id>", _view("schemas"), name="schema"),
    path("Users", _view("users"), name="users"),
    path("Users/.search", _view("users_search"), name="users_search"),
    path("Users/<str:pk>", _view("user"), name="user"),
    path("Groups", _view("groups"), name="groups"),
    path("Groups/.search", _view("groups_search"), name="groups_search"),
    path("Groups/<str:pk>", _view("group"), name="group"),
    re_path(r"^(?P<rest>.*)$", _view("unknown"), name="unknown"),
]
