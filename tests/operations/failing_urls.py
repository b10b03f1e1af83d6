"""A URL configuration with one view that fails, for the test that 500s are logged."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


class DeliberateFailure(RuntimeError):
    pass


def boom(request: HttpRequest) -> HttpResponse:
    raise DeliberateFailure("absichtlicher Fehler für den Test")


urlpatterns = [path("boom/", boom)]
handler500 = "stadtlage.home.views.server_error"
