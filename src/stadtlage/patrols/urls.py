from django.urls import path

from stadtlage.patrols import api, views

app_name = "patrols"
urlpatterns = [
    path("app/", views.field_app, name="field_app"),
    path("schicht/", views.shift_overview, name="shift_overview"),
    path("schicht/neu/", views.patrol_create_view, name="patrol_create"),
    path("konflikte/", views.conflict_list, name="conflicts"),
    path("konflikte/<int:conflict_id>/", views.conflict_resolve_view, name="conflict_resolve"),
    path("konflikte/<int:conflict_id>/foto.jpg", views.conflict_photo, name="conflict_photo"),
    path("<uuid:patrol_id>/status/", views.patrol_transition_view, name="patrol_transition"),
    path("<uuid:patrol_id>/bericht/", views.shift_report_view, name="shift_report"),
    path("fotos/<uuid:photo_id>.jpg", views.photo_file, name="photo"),
    # JSON API (OpenAPI document at api/v1/openapi.json)
    path("api/v1/sync", api.sync_view, name="api_sync"),
    path("api/v1/records/<str:kind>/<str:record_id>", api.record_view, name="api_record"),
    path("api/v1/photos/<str:photo_id>", api.photo_view, name="api_photo"),
    path("api/v1/catalogue", api.catalogue_view, name="api_catalogue"),
    path("api/v1/patrols", api.patrols_view, name="api_patrols"),
    path("api/v1/patrols/<str:patrol_id>/presence", api.presence_view, name="api_presence"),
    path("api/v1/observations", api.observations_view, name="api_observations"),
    path("api/v1/conflicts", api.conflicts_view, name="api_conflicts"),
    path("api/v1/openapi.json", api.openapi_view, name="api_openapi"),
]
