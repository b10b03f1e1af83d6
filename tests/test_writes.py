"""One way to write: the audit trail has one writer (docs/architecture.md, "Writes").

Every write goes through a service of the app that owns the model, with its audit record in
the same transaction through `stadtlage.audit.services` (`audit_record` for one event,
`audit_records_bulk` for many). This test fails when code elsewhere in ``src/stadtlage`` creates
`AuditEvent` rows itself: `AuditEvent(...)`, `AuditEvent.objects.create/bulk_create/...` or a
raw insert helper handed the model.

Services take the acting person (``actor: User | None``) and never the request: the client
address reaches the trail through `stadtlage.audit.context`. The second test fails when a
function in a services module (``services.py``, ``*_services.py``, a ``services/`` package) has a
parameter named ``request``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import stadtlage

SRC = Path(stadtlage.__file__).parent
AUDIT_WRITER = SRC / "audit" / "services.py"
CREATING = {"create", "bulk_create", "get_or_create", "update_or_create", "abulk_create", "acreate"}


def _python_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def audit_event_writes(source: str) -> list[int]:
    """Lines that create AuditEvent rows directly."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "AuditEvent":
            lines.append(node.lineno)  # AuditEvent(...) (then .save() or bulk_create)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in CREATING
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "objects"
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "AuditEvent"
        ):
            lines.append(node.lineno)
        elif "insert" in _name(func) and any(
            isinstance(a, ast.Name) and a.id == "AuditEvent" for a in node.args
        ):
            lines.append(node.lineno)  # insert_rows(AuditEvent, ...) and the like
    return sorted(lines)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def test_the_detector_finds_each_way_of_writing_audit_rows() -> None:
    source = (
        "AuditEvent.objects.create(action='x')\n"
        "AuditEvent.objects.bulk_create([])\n"
        "AuditEvent(action='x').save()\n"
        "insert_rows(AuditEvent, rows)\n"
        "AuditEvent.objects.filter(pk=1).first()\n"  # a read: fine
        "admin.register(AuditEvent)\n"  # naming the model: fine
    )
    assert audit_event_writes(source) == [1, 2, 3, 4]


def test_only_the_audit_services_create_audit_events() -> None:
    found = [
        f"{path.relative_to(SRC.parent)}:{line}"
        for path in _python_files()
        if path != AUDIT_WRITER
        for line in audit_event_writes(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "AuditEvent rows are written only by stadtlage.audit.services (audit_record, "
        f"audit_records_bulk): {found}"
    )


def _is_services_module(path: Path) -> bool:
    return path.stem == "services" or path.stem.endswith("_services") or "services" in path.parts


def request_parameters(source: str) -> list[str]:
    """``name:line`` of every function (also nested, lambdas, methods) taking ``request``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if any(p is not None and p.arg == "request" for p in params):
            found.append(f"{getattr(node, 'name', 'lambda')}:{node.lineno}")
    return found


def test_the_detector_finds_request_parameters() -> None:
    source = (
        "def a(*, actor, request=None): pass\n"
        "def b(request): pass\n"
        "class C:\n    def m(self, x, *, request): pass\n"
        "def d(*, actor, note=''):\n    return lambda request: request\n"
        "def e(*, requested_by): pass\n"
    )
    assert request_parameters(source) == ["a:1", "b:2", "m:4", "lambda:6"]


def test_services_never_take_the_request() -> None:
    modules = [p for p in _python_files() if _is_services_module(p.relative_to(SRC))]
    assert SRC / "audit" / "services.py" in modules
    assert SRC / "taskforce" / "services" / "meetings.py" in modules
    found = [
        f"{path.relative_to(SRC.parent)}:{where}"
        for path in modules
        for where in request_parameters(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "services take `actor: User | None` and plain values, never the request (the client "
        f"address comes from stadtlage.audit.context): {found}"
    )


# Parameters of services that hold a person; each is typed with the user model, never `Any`.
PERSON_PARAMETERS = {"actor", "user", "assignee", "chair", "acting_user"}


def untyped_people(source: str) -> list[str]:
    """``function.parameter:line`` of every person parameter annotated `Any` or not at all."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = node.args
        for param in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if param.arg not in PERSON_PARAMETERS:
                continue
            annotation = ast.unparse(param.annotation) if param.annotation else ""
            if annotation in {"", "Any"} or "Any" in annotation.split(" | "):
                found.append(f"{node.name}.{param.arg}:{node.lineno}")
    return found


def test_the_detector_finds_untyped_people() -> None:
    source = (
        "def a(*, actor: Any, note: Any = ''): pass\n"
        "def b(*, user, actor: User | None): pass\n"
        "def c(*, chair: Any | None = None, actor: AbstractBaseUser | None): pass\n"
        "def d(*, assignee: User | None, actor: User | None): pass\n"
    )
    assert untyped_people(source) == ["a.actor:1", "b.user:2", "c.chair:3"]


def test_services_type_the_people_they_take() -> None:
    modules = [p for p in _python_files() if _is_services_module(p.relative_to(SRC))]
    found = [
        f"{path.relative_to(SRC.parent)}:{where}"
        for path in modules
        for where in untyped_people(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"type these with the user model (`User | None`), not `Any`: {found}"
