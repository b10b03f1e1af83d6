"""The public face: stable German URLs, no login."""

from django.urls import path

from stadtlage.public import cache as public_cache
from stadtlage.public import feeds, legal, opendata_views, views

app_name = "public"

urlpatterns = [
    path("lagebild/", views.lagebild, name="lagebild"),
    path("massnahmen/", views.measures, name="measures"),
    path("gebiete/", views.area_list, name="areas"),
    path("gebiete/<slug:slug>/", views.area_detail, name="area"),
    path(
        "aktuelles.atom",
        public_cache.public_page("feed")(feeds.PublicChangesFeed()),
        name="feed",
    ),
    path("offene-daten/", opendata_views.open_data, name="open_data"),
    path("offene-daten/katalog.jsonld", opendata_views.catalogue, name="catalogue"),
    path("offene-daten/<slug:slug>.<str:ext>", opendata_views.dataset_file, name="dataset"),
    path("impressum/", legal.imprint, name="imprint"),
    path("datenschutz/", legal.privacy, name="privacy"),
    path("barrierefreiheit/", legal.accessibility, name="accessibility"),
]
