"""Access-log classification of the public pages (see `stadtlage.audit.access`)."""

from stadtlage.audit.access import public, register

register(
    {
        "public:*": public(
            "öffentliche Seiten: freigegebene Kennzahlen (kleine Zahlen unterdrückt), Maßnahmen, "
            "offene Daten, Impressum, Datenschutz, Barrierefreiheit"
        )
    }
)
