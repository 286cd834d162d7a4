from django.http import HttpRequest, HttpResponse


def directory(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def org_chart(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def profile_edit(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def profile(request: HttpRequest, username: str) -> HttpResponse:
    return HttpResponse("")
