from django.urls import path

from stadtlage.operations import health

app_name = "operations"
urlpatterns = [
    path("health/live", health.live, name="live"),
]
