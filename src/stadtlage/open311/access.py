"""Access-log classification of the Open311 interface (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import public, register

register({"open311:*": public("Open311 GeoReport v2: nur öffentliche Felder der Meldungen")})
