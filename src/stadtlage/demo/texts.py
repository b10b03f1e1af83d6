"""Short German texts for generated reports, updates and cleaning tasks.

Written like real reports but deliberately without anything about persons: places and things
only (DOMAIN.md §4).
"""

from __future__ import annotations

from typing import Final

REPORT_DESCRIPTIONS: Final[dict[str, tuple[str, ...]]] = {
    "drug-waste": (
        "Mehrere gebrauchte Spritzen im Gebüsch neben dem Weg.",
        "Spritzen und Alufolien im Treppenaufgang.",
        "Drogenbesteck liegt neben der Sitzbank.",
        "Spritzen im Sandkasten auf dem Spielplatz – bitte dringend entfernen.",
        "Folien und Pfeifenreste im Hauseingang.",
    ),
    "camping": (
        "Matratzen und Decken liegen seit Tagen im Durchgang.",
        "Ein Zelt steht seit mehreren Nächten in der Grünanlage.",
        "Schlafplatz mit Gepäck und Müll im Eingangsbereich.",
        "Lager unter der Überdachung, der Weg ist kaum passierbar.",
    ),
    "aggressive-begging": (
        "Passantinnen und Passanten werden vor dem Geschäft bedrängt.",
        "Beim Betteln wird man festgehalten und verfolgt.",
        "Aggressives Betteln am Eingang der Einkaufsstraße.",
    ),
    "harassment": (
        "Passanten werden am Abend angepöbelt.",
        "Lautstarke Belästigungen an der Haltestelle.",
        "Am Treppenaufgang werden Menschen angesprochen und beleidigt.",
    ),
    "litter": (
        "Viel Müll rund um die Sitzbänke.",
        "Überquellender Papierkorb, Müll verteilt sich über den Platz.",
        "Wilde Ablagerung mit Kartons und Säcken.",
        "Glasscherben auf dem Gehweg.",
    ),
    "public-drug-use": (
        "Offener Drogenkonsum im Hauseingang.",
        "Konsum von Crack auf der Treppe, mehrmals täglich.",
        "Drogenkonsum auf dem Spielplatz am Nachmittag.",
        "Konsum im Durchgang zur Tiefgarage.",
    ),
    "broken-lighting": (
        "Straßenlaterne ist seit einer Woche ausgefallen.",
        "Wegbeleuchtung im Park funktioniert nicht, es ist sehr dunkel.",
        "Laterne flackert und geht immer wieder aus.",
    ),
    "graffiti": (
        "Neue Schmierereien an der Mauer.",
        "Graffiti am Stromkasten.",
        "Großflächiges Graffiti an der Unterführung.",
    ),
    "other": (
        "Verstopfter Gully, Wasser steht auf dem Gehweg.",
        "Beschädigte Sitzbank.",
        "Umgestürztes Verkehrsschild.",
        "Hinweis zur Situation am Platz.",
    ),
}

# Answers to the category's questions (demo/reporting.py), matching REPORT_DESCRIPTIONS by
# position; categories without questions have none.
REPORT_ANSWERS: Final[dict[str, tuple[dict[str, object], ...]]] = {
    "drug-waste": (
        {"place-kind": "green-space", "syringe-count": 3},
        {"place-kind": "doorway", "syringe-count": 2},
        {"place-kind": "pavement", "syringe-count": 1},
        {"place-kind": "playground", "syringe-count": 2},
        {"place-kind": "doorway"},
    ),
    "camping": (
        {"tents": 0, "sleeping-places": 2},
        {"tents": 1, "sleeping-places": 1},
        {"tents": 0, "sleeping-places": 1},
        {"tents": 0, "sleeping-places": 3},
    ),
    "litter": (
        {"amount": "bag"},
        {"amount": "several-bags"},
        {"amount": "dumping"},
        {"amount": "few-items"},
    ),
    "broken-lighting": (
        {"lamp-number": "12-104"},
        {},
        {"lamp-number": "07-311"},
    ),
}

NOTE_RECEIVED: Final = "Vielen Dank, Ihre Meldung ist eingegangen."
NOTE_IN_PROGRESS: Final = "Die Meldung wird bearbeitet."
NOTE_INVESTIGATING: Final = "Der Ordnungsdienst prüft die Meldung vor Ort."
NOTE_REFERRAL: Final = "Die Meldung wurde an die zuständige Stelle weitergeleitet."
NOTE_NO_ACTION: Final = "Vor Ort wurde nichts (mehr) festgestellt."
NOTE_NOT_RESPONSIBLE: Final = "Die Fläche ist nicht städtisch; die Eigentümerin wurde informiert."
NOTE_DUPLICATE: Final = "Diese Meldung ist bereits bekannt und wird dort weiterbearbeitet."
NOTE_REOPENED: Final = "Der Mangel besteht weiterhin – die Meldung wurde wieder geöffnet."
NOTE_FIXED: Final[dict[str, str]] = {
    "drug-waste": "Die EDG hat die Abfälle sicher entfernt.",
    "litter": "Die EDG hat den Platz gereinigt.",
    "graffiti": "Das Graffiti wurde entfernt.",
    "broken-lighting": "Die Beleuchtung wurde repariert.",
    "camping": "Der KOD war vor Ort; Streetwork wurde eingebunden.",
}
NOTE_FIXED_DEFAULT: Final = "Der Ordnungsdienst war vor Ort; die Meldung ist erledigt."
INTERNAL_NOTE_REFERRAL: Final = "Zuständigkeit geklärt, an Fachbereich übergeben."

CLEANING_WHAT: Final[dict[str, tuple[str, ...]]] = {
    "drug_waste": ("Spritzen", "Spritzen und Folien", "Drogenbesteck", "Folien und Pfeifen"),
    "litter": ("Müll", "Müllsäcke", "Glasscherben"),
    "bulky": ("Matratzen und Decken", "Lagerreste", "Kartons und Gepäckreste"),
    "excrement": ("Urin/Fäkalien im Eingang", "Verunreinigung Treppenaufgang"),
    "other": ("Schmiererei", "Sonstiges"),
}
