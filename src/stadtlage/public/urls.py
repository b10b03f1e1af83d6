"""The public face: stable German URLs, no login."""

from django.urls import path

from stadtlage.public import feeds, legal, views

app_name = "public"

urlpatterns = [
    path("lagebild/", views.lagebild, name="lagebild"),
    path("massnahmen/", views.measures, name="measures"),
    path("gebiete/", views.area_list, name="areas"),
    path("gebiete/<slug:slug>/", views.area_detail, name="area"),
    path("aktuelles.atom", feeds.PublicChangesFeed(), name="feed"),
    path("impressum/", legal.imprint, name="imprint"),
    path("datenschutz/", legal.privacy, name="privacy"),
    path("barrierefreiheit/", legal.accessibility, name="accessibility"),
]
