"""Open311 GeoReport v2 under /open311/v2/. Every resource ends in .xml or .json."""

from django.urls import re_path

from stadtlage.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token_lookup, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.service_request_updates, name="request_updates"),
    re_path(r"^", views.unknown_resource, name="unknown"),
]
