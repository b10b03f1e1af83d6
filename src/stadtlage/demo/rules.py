"""What patrols do about what they see, and how reports are handled – as demo probabilities.

Pure data, no Django. Whether a recorder may take a measure at all is decided by the catalogue
in the database (MeasureType.allowed_roles); rules for police-only measures simply yield nothing
when the recorder is a KOD officer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class MeasureRule:
    measure: str  # MeasureType code
    probability: float
    per_person: bool = False  # one row per person (Binomial(persons, p)) instead of per observation
    enforcement: bool = False  # scaled by scenario.enforcement_intensity


A = "address"
PV = "platzverweis"
ID = "identity-check"
REF = "referral"
W = "warning"
WF = "warning-fine"
OWI = "offence-report"
CC = "criminal-complaint"
SEIZE = "seizure"
BAN = "area-ban"
AMB = "ambulance"
CLEAN = "cleaning-request"

_DRUG_USE: Final = (
    MeasureRule(A, 0.85),
    MeasureRule(PV, 0.18, per_person=True, enforcement=True),
    MeasureRule(ID, 0.15, per_person=True, enforcement=True),
    MeasureRule(REF, 0.12),
    MeasureRule(SEIZE, 0.12),
    MeasureRule(CC, 0.25),
    MeasureRule(OWI, 0.03),
    MeasureRule(BAN, 0.0005),
)
MEASURE_RULES: Final[dict[str, tuple[MeasureRule, ...]]] = {
    "drug-use-crack": _DRUG_USE,
    "drug-use-other": _DRUG_USE,
    "suspected-dealing": (
        MeasureRule(ID, 0.6, per_person=True),
        MeasureRule(CC, 0.45),
        MeasureRule(SEIZE, 0.35),
        MeasureRule(PV, 0.2, per_person=True, enforcement=True),
        MeasureRule(BAN, 0.0015),
    ),
    "camping": (
        MeasureRule(A, 0.8),
        MeasureRule(W, 0.5, per_person=True),
        MeasureRule(REF, 0.3),
        MeasureRule(PV, 0.055, per_person=True, enforcement=True),
        MeasureRule(CLEAN, 0.12),
    ),
    "aggressive-begging": (
        MeasureRule(A, 0.6),
        MeasureRule(WF, 0.35, per_person=True),
        MeasureRule(PV, 0.2, per_person=True, enforcement=True),
        MeasureRule(ID, 0.2, per_person=True, enforcement=True),
        MeasureRule(OWI, 0.08, per_person=True),
        MeasureRule(REF, 0.05),
    ),
    "harassment": (
        MeasureRule(A, 0.7),
        MeasureRule(PV, 0.24, per_person=True, enforcement=True),
        MeasureRule(ID, 0.3, per_person=True, enforcement=True),
        MeasureRule(CC, 0.1),
    ),
    "disruptive-gathering": (
        MeasureRule(A, 0.85),
        MeasureRule(PV, 0.04, per_person=True, enforcement=True),
        MeasureRule(REF, 0.1),
    ),
    "drug-waste": (MeasureRule(CLEAN, 0.9),),
    "litter": (
        MeasureRule(A, 0.5),
        MeasureRule(WF, 0.35),
        MeasureRule(OWI, 0.08),
        MeasureRule(CLEAN, 0.15),
    ),
    "public-urination": (MeasureRule(WF, 0.6), MeasureRule(OWI, 0.2), MeasureRule(A, 0.2)),
    "alcohol-prohibited": (
        MeasureRule(A, 0.7),
        MeasureRule(WF, 0.2, per_person=True),
        MeasureRule(PV, 0.1, per_person=True, enforcement=True),
    ),
    "damage-graffiti": (MeasureRule(CC, 0.35), MeasureRule(CLEAN, 0.3)),
    "medical-emergency": (MeasureRule(AMB, 0.95), MeasureRule(REF, 0.2)),
    "citizen-contact": (MeasureRule(A, 0.3),),
    "other": (MeasureRule(A, 0.5),),
}

# Verwarnungsgeld amounts (€) and their weights per observation category (tariffs, DOMAIN §3).
FINE_AMOUNTS: Final[dict[str, tuple[tuple[int, ...], tuple[float, ...]]]] = {
    "aggressive-begging": ((15, 20, 25, 35), (0.4, 0.3, 0.2, 0.1)),
    "litter": ((20, 35, 50), (0.2, 0.3, 0.5)),
    "public-urination": ((50,), (1.0,)),
    "alcohol-prohibited": ((20, 35), (0.6, 0.4)),
}
DEFAULT_FINE: Final = ((35,), (1.0,))

REFERRALS: Final[dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    "camping": (("Streetwork", "Wohnungslosenhilfe"), (0.6, 0.4)),
    "aggressive-begging": (("Streetwork",), (1.0,)),
    "disruptive-gathering": (("Streetwork", "kick"), (0.7, 0.3)),
    "medical-emergency": (("kick", "Suchtberatung"), (0.6, 0.4)),
}
DEFAULT_REFERRAL: Final = (("kick", "Suchtberatung", "Streetwork"), (0.5, 0.3, 0.2))

# Cleaning task kind per observation category when a patrol requests cleaning.
CLEANING_KIND: Final = {
    "drug-waste": "drug_waste",
    "litter": "litter",
    "camping": "bulky",
    "public-urination": "excrement",
}


@dataclass(frozen=True)
class Handling:
    """How long a report takes to close (lognormal) and how it ends."""

    median_hours: float
    sigma: float = 0.8


REPORT_HANDLING: Final[dict[str, Handling]] = {
    "drug-waste": Handling(3.0, 0.6),
    "camping": Handling(20.0),
    "aggressive-begging": Handling(14.0),
    "harassment": Handling(16.0),
    "litter": Handling(30.0),
    "public-drug-use": Handling(18.0),
    "broken-lighting": Handling(96.0, 0.7),
    "graffiti": Handling(120.0),
    "other": Handling(48.0),
}

# Outcome of a report that is not a duplicate.
OUTCOMES: Final = ("fixed", "no_further_action", "not_responsible", "referral", "reopened", "stuck")
OUTCOME_WEIGHTS: Final = (0.755, 0.12, 0.04, 0.04, 0.025, 0.02)
STUCK_WINDOW_DAYS: Final = 21  # open reports without progress are recent ones
DUPLICATE_SHARE: Final = 0.03
EMAIL_SHARE: Final = 0.03  # a few reporters leave an address (only recent reports keep it)
EMAIL_RETENTION_DAYS: Final = 180
SOURCES: Final = (("web", "open311", "phone", "field"), (0.5, 0.3, 0.12, 0.08))
