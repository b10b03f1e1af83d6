"""The benchmarks keep their convention (issue #16): shares named `*_share_of_*` (no
`ratio_to_*`), the scale printed, the timed work checked, every benchmark documented in
docs/benchmarks.md. The checks themselves must catch wrong work."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = sorted((ROOT / "bench").glob("*.py"))


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_benchmarks() -> None:
    assert len(BENCH) >= 8


@pytest.mark.parametrize("path", BENCH, ids=lambda p: p.name)
def test_each_benchmark_follows_the_convention(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "ratio_to_" not in source
    assert "--quick" in source
    assert re.search(r'f"scale: \{', source), "prints the scale it measured"
    assert '"scale"' in source, "the last line carries the scale"
    assert "raise SystemExit(" in source, "fails loudly when the work was wrong"


def test_every_benchmark_is_documented() -> None:
    doc = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for path in BENCH:
        assert f"`{path.name}`" in doc, path.name
    assert "ratio_to_" not in doc.replace("`ratio_to_*` is left", "")


def test_hotspot_check_catches_wrong_work() -> None:
    hotspots = _load("hotspots")
    good: dict[str, Any] = {
        "gi_max_abs_diff": 3e-15,
        "gi_city_max_abs_diff": 2e-14,
        "kde_max_abs_diff_vs_brute": 1e-9,
        "kde_max_density": 1e5,
        "plan_rule_violations": 0,
        "plan_stops": 20,
    }
    hotspots._check(good)
    for key, bad in [
        ("gi_max_abs_diff", 1e-3),
        ("gi_city_max_abs_diff", float("nan")),
        ("kde_max_abs_diff_vs_brute", 1.0),
        ("plan_rule_violations", 1),
        ("plan_stops", 0),
    ]:
        with pytest.raises(SystemExit):
            hotspots._check(good | {key: bad})


def test_evaluation_check_catches_wrong_sums() -> None:
    evaluation = _load("evaluation")
    row = {"title": "A", "verdict": "effect", "records_fetched": 10}
    evaluation._check([row | {"target_sum": 55.0, "target_by_area_links": 55.0}])
    with pytest.raises(SystemExit, match="through the area links"):
        evaluation._check([row | {"target_sum": 55.0, "target_by_area_links": 54.0}])
    with pytest.raises(SystemExit, match="proves nothing"):
        evaluation._check([row | {"target_sum": 55.0, "target_by_area_links": None}])
    with pytest.raises(SystemExit, match="nothing was measured"):
        evaluation._check([])


def test_public_check_finds_an_exact_point_of_a_person_related_report() -> None:
    from stadtlage.public.disclosure import generalise_point

    public = _load("public")
    published = generalise_point(51.513723, 7.460517, 250)

    def feature(lat: float, lon: float) -> dict[str, Any]:
        return {
            "id": 1,
            "geometry": {"coordinates": [lon, lat]},
            "properties": {"verallgemeinert": True, "rasterzelle": published.cell},
        }

    assert public._generalised_problems([feature(published.lat, published.lon)]) == (1, [])
    seen, problems = public._generalised_problems([feature(51.513723, 7.460517)])
    assert seen == 1 and problems
