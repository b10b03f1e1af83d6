from django.urls import path

from stadtlage.hotspots import plan_views, views

app_name = "hotspots"
urlpatterns = [
    path("", views.hotspot_map, name="map"),
    path("karte.geojson", views.hotspot_geojson, name="geojson"),
    path("plaene/", plan_views.plan_list, name="plan_list"),
    path("plaene/neu/", plan_views.plan_create, name="plan_create"),
    path("plaene/<uuid:plan_id>/", plan_views.plan_detail, name="plan_detail"),
    path("plaene/<uuid:plan_id>/freigeben/", plan_views.plan_publish, name="plan_publish"),
    path("api/streifenplaene", plan_views.plans_api, name="plans_api"),
]
