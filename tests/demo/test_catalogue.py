"""The reference catalogue is data (demo/data/catalogue.json): shipped with the package and
checked on load, so that a typo fails with the file, entry and field named, not in the demo."""

from __future__ import annotations

import copy
import fnmatch
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from stadtlage.demo import catalogue
from stadtlage.packagedata import DataFileError, load_json

ROOT = Path(__file__).resolve().parents[2]


def _raw() -> dict[str, Any]:
    return copy.deepcopy(load_json("stadtlage.demo", "catalogue.json"))


def test_the_shipped_file_is_what_the_module_offers() -> None:
    data = catalogue.parse(_raw())
    assert data.organisations == catalogue.ORGANISATIONS
    assert data.measure_types == catalogue.MEASURE_TYPES
    assert len(catalogue.ORGANISATIONS) == 16
    assert len(catalogue.WORKING_GROUPS) == 5
    assert len(catalogue.OBSERVATION_CATEGORIES) == 15
    assert len(catalogue.MEASURE_TYPES) == 12
    fine = next(m for m in catalogue.MEASURE_TYPES if m.code == "warning-fine")
    assert (fine.min_amount_eur, fine.max_amount_eur, fine.requires_amount) == (5, 55, True)
    assert fine.allowed_roles == ("kod_officer", "police_officer", "shift_lead")
    cleaning = next(m for m in catalogue.MEASURE_TYPES if m.code == "cleaning-request")
    assert cleaning.cleaning_organisation == catalogue.EDG


def test_every_data_file_of_the_package_is_package_data() -> None:
    """A data file missing from the wheel would only fail after installation."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    package = ROOT / "src" / "stadtlage"
    files = sorted(package.glob("*/data/*"))
    assert package / "demo" / "data" / "catalogue.json" in files
    for path in files:
        name = path.relative_to(path.parent.parent).as_posix()
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name
    assert resources.files("stadtlage.demo").joinpath("data", "catalogue.json").is_file()


def _break(section: str, index: int, **changes: Any) -> dict[str, Any]:
    raw = _raw()
    entry = raw[section][index]
    for name, value in changes.items():
        if value is ...:
            del entry[name]
        else:
            entry[name] = value
    return raw


def _kod() -> int:
    return next(i for i, o in enumerate(_raw()["organisations"]) if o["short_name"] == "KOD")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            _break("organisations", 1, colour="rot"),
            "organisations Nr. 2 („KOD“): unbekanntes Feld „colour“",
        ),
        (_break("working_groups", 0, mission=...), "working_groups Nr. 1 („stadtbild-"),
        (_break("working_groups", 0, mission=...), "Feld „mission“ fehlt"),
        (
            _break("working_groups", 2, order="3"),
            'Feld „order“ muss ganze Zahl sein, ist aber "3"',
        ),
        (
            _break("observation_categories", 0, enforcement_driven="ja"),
            "Feld „enforcement_driven“ muss true/false sein",
        ),
        (
            _break("observation_categories", 0, fine_min_eur=True),
            "Feld „fine_min_eur“ muss ganze Zahl oder null sein",
        ),
        (
            _break("measure_types", 0, allowed_roles="kod_officer"),
            "Feld „allowed_roles“ muss Liste (Text) sein",
        ),
        (
            _break("organisations", 1, kind="amt"),
            "organisations „KOD“: Feld „kind“ hat den unbekannten Wert „amt“",
        ),
        (_break("organisations", 1, data_domain="geheim"), "Feld „data_domain“"),
        (
            _break("organisations", 0, parent="KOD"),
            "Feld „parent“: „KOD“ steht nicht weiter oben",
        ),
        (
            _break("measure_types", 1, allowed_roles=["kod_officer", "chef"]),
            "measure_types „referral“: Feld „allowed_roles“ hat den unbekannten Wert „chef“",
        ),
        (_break("measure_types", 1, allowed_roles=[]), "Feld „allowed_roles“ ist leer"),
        (
            _break("observation_categories", 3, working_group="praesenz"),
            "observation_categories „camping“: Feld „working_group“: unbekannte Arbeitsgruppe",
        ),
        (
            _break("observation_categories", 4, fine_max_eur=...),
            "„fine_min_eur“/„fine_max_eur“: beide oder keines",
        ),
        (
            _break("measure_types", 6, min_amount_eur=60),
            "measure_types „warning-fine“: Felder „min_amount_eur“/„max_amount_eur“",
        ),
        (
            _break("measure_types", 11, cleaning_organisation="AWB"),
            "Feld „cleaning_organisation“: unbekannte Organisation „AWB“",
        ),
        (
            _break("measure_types", 0, cleaning_organisation="EDG"),
            "„cleaning_organisation“ nur zusammen mit „creates_cleaning_task“",
        ),
        (
            _break("measure_types", 1, code="address"),
            "measure_types Nr. 2 („address“): „code“ kommt doppelt vor",
        ),
        (
            _break("organisations", 15, short_name="Handel"),
            "in organisations fehlt „Einzelhandel“ (der Code bezieht sich darauf)",
        ),
        ({**_raw(), "areas": []}, "unbekannter Abschnitt „areas“"),
        ({**_raw(), "measure_types": {}}, "„measure_types“ fehlt oder ist keine Liste"),
        ([], "kein JSON-Objekt"),
    ],
)
def test_a_broken_file_names_file_entry_and_field(raw: Any, message: str) -> None:
    with pytest.raises(DataFileError) as caught:
        catalogue.parse(raw)
    assert str(caught.value).startswith("demo/data/catalogue.json")
    assert message in str(caught.value)


def test_comments_are_allowed_and_defaults_fill_in() -> None:
    raw = _raw()
    raw["organisations"][_kod()]["_comment"] = "Hinweis"
    assert "_comment" in raw  # the file documents itself
    data = catalogue.parse(raw)
    address = data.measure_types[0]
    assert (address.code, address.requires_amount, address.referral_services) == (
        "address",
        False,
        (),
    )
