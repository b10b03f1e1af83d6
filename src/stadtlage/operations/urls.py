from django.urls import path

from stadtlage.operations import health

app_name = "operations"
urlpatterns = [
    path("health/live", health.live, name="live"),
    path("health/ready", health.ready, name="ready"),
    path("metrics", health.metrics_view, name="metrics"),
]
