"""Access-log classification of the operations endpoints (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import public, register

register({"operations:live": public("Lebenszeichen für die Überwachung, ohne Daten")})
