"""Access-log classification of the map and areas (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import no_records, register

AREAS = "Gebiete sind Stammdaten ohne Personenbezug"

register(
    {
        "places:map": no_records(AREAS),
        "places:areas_geojson": no_records(AREAS),
        "places:area_list": no_records(AREAS),
        "places:area_create": no_records(AREAS),
        "places:area_import": no_records(AREAS),
        "places:area_edit": no_records(AREAS),
    }
)
