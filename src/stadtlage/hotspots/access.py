"""Access-log classification of the hot-spot maps (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import no_records, register

AGGREGATES = (
    "Aggregate je Rasterzelle; Karten mit Polizeidaten und Downloads protokolliert die "
    "Ansicht selbst (hotspots.views)"
)

register({"hotspots:map": no_records(AGGREGATES), "hotspots:geojson": no_records(AGGREGATES)})
