from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from stadtlage.home import views

app_name = "home"
urlpatterns = [
    path("", views.start, name="start"),
    # Browsers ask for /favicon.ico on their own (feeds, bookmarks): send them to the icon.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("stadtlage/favicon.svg"), permanent=True),
        name="favicon",
    ),
]
