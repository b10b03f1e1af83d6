from django.templatetags.static import static
from django.urls import path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from stadtlage.home import views

app_name = "home"
urlpatterns = [
    path("", views.start, name="start"),
    # Browsers ask for /favicon.ico on their own (feeds, bookmarks): send them to the icon.
    # Resolved per request: in production the manifest exists only after collectstatic, and
    # commands such as migrate load the URLs before that.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("stadtlage/favicon.svg"), permanent=True),
        name="favicon",
    ),
]
