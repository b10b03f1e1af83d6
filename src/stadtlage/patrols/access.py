"""Access-log classification of the field app, shift pages and field API (see
`stadtlage.audit.access`). Several views log their reads themselves with more detail."""

from stadtlage.audit.access import logged, no_records, public, register
from stadtlage.audit.models import Action

WRITE_API = "Schreibschnittstelle der Streifen-App; jede Änderung steht im Protokoll"

register(
    {
        "patrols:field_app": no_records("Gerüst der App; Daten über protokollierte Schnittstellen"),
        "patrols:shift_overview": logged("patrols.observation"),
        "patrols:patrol_create": logged("patrols.patrol"),
        "patrols:conflicts": logged("patrols.syncconflict"),
        "patrols:conflict_resolve": logged("patrols.syncconflict"),
        "patrols:conflict_photo": logged("patrols.syncconflict", action=Action.VIEW),
        "patrols:patrol_transition": logged("patrols.patrol"),
        "patrols:shift_report": logged("patrols.patrol"),
        "patrols:photo": logged("patrols.observationphoto"),
        "patrols:api_sync": no_records(WRITE_API),
        "patrols:api_record": no_records(WRITE_API),
        "patrols:api_photo": no_records(WRITE_API),
        "patrols:api_catalogue": no_records("Kataloge und Gebiete"),
        "patrols:api_patrols": logged("patrols.patrol"),
        "patrols:api_presence": logged("patrols.presenceinterval"),
        "patrols:api_observations": logged("patrols.observation"),
        "patrols:api_conflicts": logged("patrols.syncconflict"),
        "patrols:api_openapi": no_records("Beschreibung der Schnittstelle"),
        "service_worker": public("Programmcode der Streifen-App"),
    }
)
