from django.urls import path

from stadtlage.kpi import partner_views, publication_views, views

app_name = "kpi"
urlpatterns = [
    path("", views.lagebild, name="lagebild"),
    path("ag/<slug:slug>/", views.working_group_dashboard, name="working_group"),
    path("neu/", views.indicator_create, name="indicator_create"),
    path("k/<slug:code>/", views.indicator_detail, name="indicator"),
    path("k/<slug:code>/bearbeiten/", views.indicator_edit, name="indicator_edit"),
    path("k/<slug:code>/export.<str:fmt>", views.indicator_export, name="indicator_export"),
    path("k/<slug:code>/ziele/", views.goal_create, name="goal_create"),
    path(
        "k/<slug:code>/oeffentlich/<slug:action>/",
        publication_views.indicator_publication,
        name="indicator_publication",
    ),
    path("ziele/<int:goal_id>/bearbeiten/", views.goal_edit, name="goal_edit"),
    path("ziele/<int:goal_id>/meilensteine/", views.milestone_create, name="milestone_create"),
    path("umklassifizierungen/", views.reclassification_report, name="reclassifications"),
    path("partner/", partner_views.partner_overview, name="partner_list"),
    path("partner/upload/", partner_views.partner_upload, name="partner_upload"),
    path("partner/<slug:code>/", partner_views.partner_series_detail, name="partner_series"),
    path(
        "partner/werte/<int:pk>/bemerkung/",
        partner_views.partner_note_review,
        name="partner_note_review",
    ),
    path("api/partner-werte/", partner_views.partner_api_values, name="partner_api"),
    path("api/probleme/", partner_views.problem_types, name="problems"),
    path("api/openapi.json", partner_views.openapi_view, name="partner_openapi"),
]
