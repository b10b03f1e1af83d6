from django.urls import path

from stadtlage.home import views

app_name = "home"
urlpatterns = [
    path("", views.start, name="start"),
    # Browsers ask for /favicon.ico on their own (feeds, bookmarks): send them to the icon.
    path(
        "favicon.ico",
        views.FaviconRedirect.as_view(),
        name="favicon",
    ),
]
