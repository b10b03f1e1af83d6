"""Bürgermeldungen under /meldungen/: public form, list, map, exports; the staff work queue."""

from django.urls import path

from stadtlage.reports.views import address, followup, public, queue, reporter

app_name = "reports"

urlpatterns = [
    path("", public.report_list, name="list"),
    path("karte/", public.report_map, name="map"),
    path("karte.geojson", public.map_geojson, name="map_geojson"),
    path("export.csv", public.export_csv, name="export_csv"),
    path("export.geojson", public.export_geojson, name="export_geojson"),
    path("neu/", public.choose_category, name="new"),
    path("neu/<slug:code>/", public.report_form, name="form"),
    path("in-der-naehe/", public.nearby, name="nearby"),
    path("adresse.json", address.address_lookup, name="address_lookup"),
    path("eingegangen/<uuid:report_uuid>/", public.receipt, name="receipt"),
    path("meine-daten/", reporter.reporter_lookup, name="reporter_lookup"),
    path("meine-daten/<uuid:report_uuid>/", reporter.reporter_data, name="reporter_data"),
    path(
        "meine-daten/<uuid:report_uuid>/herunterladen/",
        reporter.reporter_download,
        name="reporter_download",
    ),
    path(
        "meine-daten/<uuid:report_uuid>/e-mail-loeschen/",
        reporter.reporter_forget_email,
        name="reporter_forget_email",
    ),
    path("fotos/<uuid:photo_uuid>.jpg", public.photo, name="photo"),
    path("rueckmeldung/<str:token>/", followup.followup, name="followup"),
    path("<int:report_id>/", public.report_detail, name="detail"),
    path("<int:report_id>/bestaetigen/", public.confirm, name="confirm"),
    path("arbeitsliste/", queue.queue_list, name="queue"),
    path("arbeitsliste/karte.geojson", queue.queue_geojson, name="queue_geojson"),
    path("arbeitsliste/<int:report_id>/", queue.queue_detail, name="queue_detail"),
    path("arbeitsliste/<int:report_id>/<slug:action>/", queue.queue_action, name="queue_action"),
]
