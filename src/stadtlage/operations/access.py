"""Access-log classification of the operations endpoints (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import no_records, public, register

MONITORING = "Betriebszustand und Zähler des Servers für die Überwachung, keine Datensätze"

register(
    {
        "operations:live": public("Lebenszeichen für die Überwachung, ohne Daten"),
        "operations:ready": no_records(MONITORING),
        "operations:metrics": no_records(MONITORING),
    }
)
