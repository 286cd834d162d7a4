from django.http import HttpRequest, HttpResponse


def directory(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
