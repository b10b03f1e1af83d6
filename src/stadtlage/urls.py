from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from stadtlage.patrols.views import service_worker

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("stadtlage.home.urls")),
    path("", include("stadtlage.public.urls")),
    path("konto/", include("stadtlage.accounts.urls")),
    path("konto/webauthn/", include("django_otp_webauthn.urls")),
    path("orte/", include("stadtlage.places.urls")),
    path("protokoll/", include("stadtlage.audit.urls")),
    path("verarbeitung/", include("stadtlage.privacy.urls")),
    path("sonderstab/", include("stadtlage.taskforce.urls")),
    path("kennzahlen/", include("stadtlage.kpi.urls")),
    path("evaluationen/", include("stadtlage.evaluation.urls")),
    path("streife/", include("stadtlage.patrols.urls")),
    path("brennpunkte/", include("stadtlage.hotspots.urls")),
    path("sw.js", service_worker, name="service_worker"),
    path("meldungen/", include("stadtlage.reports.urls")),
    path("reinigung/", include("stadtlage.cleaning.urls")),
    path("open311/v2/", include("stadtlage.open311.urls")),
    path("verwaltung/", admin.site.urls),
    path("", include("stadtlage.operations.urls")),
]

handler404 = "stadtlage.home.views.not_found"
handler403 = "stadtlage.home.views.forbidden"
handler500 = "stadtlage.home.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
