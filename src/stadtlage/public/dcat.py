"""The open-data catalogue as DCAT-AP.de 2.0 in JSON-LD (``/offene-daten/katalog.jsonld``).

Catalogue → datasets → distributions (CSV, JSON), each distribution with the licence
(dl-by-de/2.0 and its attribution text), format and media type from the EU vocabularies, the data
dictionary (Table Schema) as ``dct:conformsTo``; datasets with publisher, contact point, themes,
keywords, frequency and the political geocoding of Dortmund (municipality key 05913000), so that
the city's portal and GovData can harvest them. Checked against a SHACL shape in the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings

from stadtlage.public.opendata import (
    DATASETS,
    DORTMUND_KEY,
    FILE_TYPE,
    FREQUENCY,
    LICENSE_URI,
    MUNICIPALITY,
    THEME,
    Dataset,
)

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA = {"csv": "text/csv", "json": "application/json"}
FORMAT = {"csv": "CSV", "json": "JSON"}
ATTRIBUTION = "Stadt Dortmund, Ordnungspartnerschaft (stadtlage)"


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "de"}


def _moment(value: datetime) -> dict[str, str]:
    return {"@value": value.isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def _publisher(base: str) -> dict[str, Any]:
    return {
        "@id": f"{base}/impressum/#anbieter",
        "@type": "foaf:Organization",
        "foaf:name": settings.PUBLIC_OPERATOR,
    }


def _contact() -> dict[str, Any]:
    return {
        "@type": "vcard:Organization",
        "vcard:fn": settings.PUBLIC_EDITOR,
        "vcard:hasEmail": {"@id": f"mailto:{settings.PUBLIC_CONTACT_EMAIL}"},
    }


def _dataset(
    dataset: Dataset, base: str, url: Callable[[str, str], str], modified: datetime
) -> dict[str, Any]:
    landing = f"{base}/offene-daten/#{dataset.slug}"
    schema = url(dataset.slug, "schema.json")
    return {
        "@id": f"{base}/offene-daten/{dataset.slug}",
        "@type": "dcat:Dataset",
        "dct:identifier": f"stadtlage-dortmund-{dataset.slug}",
        "dct:title": _text(dataset.title),
        "dct:description": _text(dataset.description),
        "dcat:keyword": [_text(k) for k in dataset.keywords],
        "dcat:theme": [{"@id": THEME + t} for t in dataset.themes],
        "dct:publisher": _publisher(base),
        "dcat:contactPoint": _contact(),
        "dct:accrualPeriodicity": {"@id": FREQUENCY + dataset.frequency},
        "dct:spatial": {"@id": DORTMUND_KEY},
        "dcatde:politicalGeocodingURI": {"@id": DORTMUND_KEY},
        "dcatde:politicalGeocodingLevelURI": {"@id": MUNICIPALITY},
        "dct:modified": _moment(modified),
        "dcat:landingPage": {"@id": landing},
        "dcat:distribution": [
            {
                "@id": url(dataset.slug, fmt),
                "@type": "dcat:Distribution",
                "dct:title": _text(f"{dataset.title} ({FORMAT[fmt]})"),
                "dcat:accessURL": {"@id": url(dataset.slug, fmt)},
                "dcat:downloadURL": {"@id": url(dataset.slug, fmt)},
                "dct:format": {"@id": FILE_TYPE + FORMAT[fmt]},
                "dcat:mediaType": {
                    "@id": f"http://www.iana.org/assignments/media-types/{MEDIA[fmt]}"
                },
                "dct:license": {"@id": LICENSE_URI},
                "dcatde:licenseAttributionByText": _text(ATTRIBUTION),
                "dct:conformsTo": {"@id": schema},
                "dct:modified": _moment(modified),
            }
            for fmt in ("csv", "json")
        ],
    }


def catalogue(base: str, url: Callable[[str, str], str], modified: datetime) -> dict[str, Any]:
    """The JSON-LD document; `base` is the site's absolute origin, `url(slug, ext)` a file URL."""
    return {
        "@context": CONTEXT,
        "@id": f"{base}/offene-daten/katalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _text("Offene Daten der Ordnungspartnerschaft Dortmund"),
        "dct:description": _text(
            "Aggregierte, datenschutzgerecht veröffentlichte Daten aus stadtlage: Bürgermeldungen "
            "je Woche und Gebiet, Reaktionszeiten, öffentliche Kennzahlen des Sonderstabs "
            "„Ordnung und Stadtleben“ und beschlossene Maßnahmen."
        ),
        "dct:publisher": _publisher(base),
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "foaf:homepage": {"@id": f"{base}/offene-daten/"},
        "dct:modified": _moment(modified),
        "dcat:dataset": [_dataset(d, base, url, modified) for d in DATASETS],
    }
