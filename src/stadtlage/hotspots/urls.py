from django.urls import path

from stadtlage.hotspots import views

app_name = "hotspots"
urlpatterns = [
    path("", views.hotspot_map, name="map"),
    path("karte.geojson", views.hotspot_geojson, name="geojson"),
]
