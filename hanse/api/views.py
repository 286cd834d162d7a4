from django.http import HttpRequest, HttpResponse


def tokens(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
