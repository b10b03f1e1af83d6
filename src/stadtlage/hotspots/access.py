"""Access-log classification of the hot-spot maps (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import logged, no_records, register

AGGREGATES = (
    "Aggregate je Rasterzelle; Karten mit Polizeidaten und Downloads protokolliert die "
    "Ansicht selbst (hotspots.views)"
)

PLAN = logged("hotspots.patrolplan")

register(
    {
        "hotspots:map": no_records(AGGREGATES),
        "hotspots:geojson": no_records(AGGREGATES),
        # Patrol plans of the shift lead: internal records (stops, times, teams).
        "hotspots:plan_list": PLAN,
        "hotspots:plan_create": PLAN,
        "hotspots:plan_detail": PLAN,
        "hotspots:plan_publish": PLAN,
        "hotspots:plans_api": PLAN,
    }
)
