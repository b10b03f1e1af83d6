"""Dependencies run one way: from the street to the figures to the decisions.

Every ``stadtlage`` import in ``src/stadtlage`` (module level and inside functions, also under
``TYPE_CHECKING``; migrations excluded, they are history) must point to a *lower* floor of
``FLOORS``. Apps on the same floor are independent of each other. A few modules sit on another
floor than their app (``PLACED``): pure helpers that lower floors share, and the audit trail's
own page. The remaining exceptions are listed in ``KNOWN`` with their reason; the test also
fails when one of them has gone, so the list only shrinks. See docs/architecture.md ("Floors").
"""

from __future__ import annotations

import ast
from pathlib import Path

import stadtlage

SRC = Path(stadtlage.__file__).parent

# Low → high. An app may import only from floors below its own.
FLOORS: list[set[str]] = [
    # ground: pure code, configuration
    {"analysis", "db", "formfields", "images", "paging", "ratelimit", "settings"},
    {"audit"},
    {"organisations"},  # organisations and their working groups
    {"accounts"},
    {"places"},
    {"cleaning"},  # the street
    {"patrols", "reports"},
    {"open311"},
    {"hotspots"},  # figures
    {"kpi"},
    {"taskforce"},  # decisions
    {"evaluation"},
    {"privacy"},  # what leaves the house: the processing register, the public pages
    {"public"},
    {"operations"},  # running the house
    {"home", "demo"},
    {"urls", "wsgi", "cli", "__init__"},
    {"__main__"},
]

# Modules that belong to another app's floor than the app they live in (module → that app).
PLACED: dict[str, str] = {
    # pure rules the street shares: text screening and masking, disclosure of public figures
    "stadtlage.reports.redaction": "analysis",
    "stadtlage.privacy.screening": "analysis",
    "stadtlage.public.disclosure": "analysis",
    "stadtlage.public.policy": "analysis",
    # the audit trail as people read it (filters by person and organisation, links to the
    # records the reader may open, guarded by a section)
    "stadtlage.audit.views": "accounts",
    "stadtlage.audit.urls": "accounts",
    "stadtlage.audit.forms": "accounts",
    "stadtlage.audit.selectors": "accounts",
    "stadtlage.audit.display": "accounts",
    "stadtlage.audit.templatetags": "accounts",
    # the public pages of citizen reports use the public pages' cache
    "stadtlage.reports.views.public": "public",
    "stadtlage.reports.urls": "public",
}

# (importing module, imported module): why it still runs upwards (an open part of issue 15).
KNOWN: dict[tuple[str, str], str] = {
    ("stadtlage.taskforce.workflow", "stadtlage.evaluation.selectors"): (
        "the guard of „evaluiert“ asks whether a result exists (docs/architecture.md)"
    ),
    ("stadtlage.taskforce.agenda", "stadtlage.evaluation.selectors"): (
        "the proposed agenda lists evaluations with a new result"
    ),
    ("stadtlage.taskforce.mayor_report_document", "stadtlage.evaluation.display"): (
        "the report to the Oberbürgermeister shows evaluation results"
    ),
    ("stadtlage.patrols.services", "stadtlage.hotspots.dosage"): (
        "new tracks rebuild the delivered dosage at the hot spots of patrol plans"
    ),
}

FLOOR_OF = {app: i for i, apps in enumerate(FLOORS) for app in apps}
FLOOR_NAME = {i: "/".join(sorted(apps)) for i, apps in enumerate(FLOORS)}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _app(module: str) -> str:
    """The app a module belongs to for the floors: its own, unless it is placed elsewhere."""
    for name, app in PLACED.items():
        if module == name or module.startswith(name + "."):
            return app
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _floor(module: str) -> int:
    return FLOOR_OF[_app(module)]


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "stadtlage":
                found += [(node.lineno, f"stadtlage.{alias.name}") for alias in node.names]
            elif node.module.startswith("stadtlage."):
                for alias in node.names:  # `from stadtlage.x import y` may name a module y
                    candidate = f"{node.module}.{alias.name}"
                    is_module = (SRC.parent / Path(*candidate.split("."))).with_suffix(
                        ".py"
                    ).exists() or (SRC.parent / Path(*candidate.split("."))).is_dir()
                    found.append((node.lineno, candidate if is_module else node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("stadtlage.")]
    return found


def _edges() -> list[tuple[str, int, str]]:
    edges = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        for line, target in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            edges.append((module, line, target))
    return edges


def test_every_app_and_module_has_a_floor() -> None:
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    apps |= {p.stem for p in SRC.glob("*.py")}
    assert apps - set(FLOOR_OF) == set(), "put the new app on a floor in tests/test_layers.py"
    assert set(FLOOR_OF) - apps == set(), "a floor names an app that no longer exists"
    for module in PLACED:
        path = SRC.parent / Path(*module.split("."))
        assert path.with_suffix(".py").exists() or path.is_dir(), module


def test_imports_run_downwards_only() -> None:
    wrong = []
    seen_known = set()
    for module, line, target in _edges():
        if _app(module) == _app(target):
            continue
        here, there = _floor(module), _floor(target)
        if there < here:
            continue
        if (module, target) in KNOWN:
            seen_known.add((module, target))
            continue
        upwards = "the same floor" if here == there else FLOOR_NAME[there]
        wrong.append(f"{module}:{line} imports {target} (floor {FLOOR_NAME[here]} → {upwards})")
    assert wrong == [], "imports against the direction street → figures → decisions:\n" + "\n".join(
        wrong
    )
    assert set(KNOWN) - seen_known == set(), "a known exception is gone: remove it from KNOWN"


def test_the_check_sees_imports_inside_functions() -> None:
    tree = ast.parse(
        "def f():\n    from stadtlage.taskforce.models import Recommendation\n"
        "    import stadtlage.kpi.spc\n"
    )
    targets = [target for _, target in _imports(tree)]
    assert targets == ["stadtlage.taskforce.models", "stadtlage.kpi.spc"]
    assert _floor("stadtlage.kpi.views") < _floor("stadtlage.taskforce.models")
