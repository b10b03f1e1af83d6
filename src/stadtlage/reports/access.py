"""Access-log classification of citizen reports (see `stadtlage.audit.access`).

The public pages show only the public fields (`selectors.PublicReport`); the work queue
shows the whole report and logs every read.
"""

from stadtlage.audit.access import logged, public, register
from stadtlage.audit.display import register_link

PUBLIC_FIELDS = "öffentliche Felder der Meldungen"

register(
    {
        "reports:list": public(PUBLIC_FIELDS),
        "reports:map": public(PUBLIC_FIELDS),
        "reports:map_geojson": public(PUBLIC_FIELDS),
        "reports:export_csv": public(PUBLIC_FIELDS),
        "reports:export_geojson": public(PUBLIC_FIELDS),
        "reports:new": public("Meldeformular"),
        "reports:form": public("Meldeformular"),
        "reports:nearby": public(PUBLIC_FIELDS),
        "reports:address_lookup": public("Adressverzeichnis (öffentliche Hauskoordinaten)"),
        "reports:receipt": public(PUBLIC_FIELDS),
        "reports:photo": public("freigegebene Fotos"),
        "reports:followup": public(PUBLIC_FIELDS),
        "reports:detail": public(PUBLIC_FIELDS),
        "reports:confirm": public("Bestätigung ohne Angaben zur Person"),
        # The reporter's own data through the tracking key: logged by the views with the
        # report's number (reads, the download as an export, the deletion as a change).
        "reports:reporter_lookup": public("Eingabe des Vorgangsschlüssels"),
        "reports:reporter_data": logged("reports.report"),
        "reports:reporter_download": logged("reports.report"),
        "reports:reporter_forget_email": logged("reports.report"),
        "reports:queue": logged("reports.queue"),
        "reports:queue_geojson": logged("reports.queue"),
        "reports:queue_detail": logged("reports.report"),
        "reports:queue_action": logged("reports.report"),
    }
)


def _queue_visible(user: object, ids: list[str]) -> set[str]:
    from stadtlage.reports.permissions import queue_reports_for

    return {
        str(pk) for pk in queue_reports_for(user).filter(pk__in=ids).values_list("pk", flat=True)
    }


# The audit trail links a report to the work queue for people who work on it.
register_link("reports.report", "reports:queue_detail", _queue_visible)
