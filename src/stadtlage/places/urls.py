from django.urls import path

from stadtlage.places import views

app_name = "places"
urlpatterns = [
    path("karte/", views.map_page, name="map"),
    path("gebiete.geojson", views.areas_geojson_view, name="areas_geojson"),
    path("gebiete/", views.area_list, name="area_list"),
    path("gebiete/neu/", views.area_create_view, name="area_create"),
    path("gebiete/import/", views.area_import_view, name="area_import"),
    path("gebiete/<slug:slug>/", views.area_edit_view, name="area_edit"),
]
