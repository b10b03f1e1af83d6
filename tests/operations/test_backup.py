"""Backup and restore: the demo city round-trips (row counts of every table, the audit trail,
media files), onto SQLite or PostgreSQL as the suite runs; restore refuses a non-empty target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from stadtlage.operations.backup import NAME_PATTERN, rotate
from tests.operations.server import BIN, Installation, drop_database, fresh_database

STATE = r"""
import django, hashlib, json
django.setup()
from django.db import connection
from stadtlage.audit.models import AuditEvent
with connection.cursor() as cursor:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute("SELECT COUNT(*) FROM " + connection.ops.quote_name(table))
        counts[table] = cursor.fetchone()[0]
audit = list(AuditEvent.objects.order_by("pk").values())
digest = hashlib.sha256(json.dumps(audit, default=str, sort_keys=True).encode()).hexdigest()
print(json.dumps({"counts": counts, "audit_rows": len(audit), "audit_sha256": digest}))
"""


def state(inst: Installation) -> dict[str, object]:
    result = subprocess.run(
        [str(BIN / "python"), "-c", STATE],
        env=inst.env,
        cwd=inst.workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    workdir = tmp_path_factory.mktemp("backup-source")
    url = fresh_database(workdir, f"stadtlage_backup_src_{os.getpid()}")
    inst = Installation(workdir, url, {"BACKUP_DIR": str(workdir / "backups"), "BACKUP_KEEP": "2"})
    inst.manage("migrate", "--noinput")
    inst.manage("demo", "--events", "2000", demo=True)
    photo = workdir / "var" / "media" / "reports" / "photos" / "2026" / "beispiel.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    yield inst
    drop_database(url)


def test_demo_city_round_trips(source: Installation, tmp_path: Path) -> None:
    # The scheduled job writes the backup (BACKUP_DIR), as the timer would.
    out = source.manage("jobs", "run", "backup").stdout
    assert "backup: ok" in out
    before = state(source)
    assert before["audit_rows"] > 0  # type: ignore[operator]
    assert before["counts"]["reports_report"] > 0  # type: ignore[index]
    [backup] = sorted((source.workdir / "backups").glob("stadtlage-*.tar"))
    with tarfile.open(backup) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert "media/reports/photos/2026/beispiel.jpg" in names
    assert manifest["tables"] == before["counts"]

    target = Installation(tmp_path, fresh_database(tmp_path, f"stadtlage_backup_dst_{os.getpid()}"))
    try:
        restored = target.manage("restore", str(backup))
        assert "Zeilenzahlen wie in der Sicherung" in restored.stdout
        after = state(target)
        assert after == before
        photo = tmp_path / "var" / "media" / "reports" / "photos" / "2026" / "beispiel.jpg"
        assert photo.read_bytes() == b"\xff\xd8\xff\xe0 not really a photo"
        # The restored installation is complete: no migration is missing.
        plan = target.manage("migrate", "--plan").stdout
        assert "No planned migration operations" in plan
        # A second restore into the now filled database is refused, nothing changes.
        again = target.manage("restore", str(backup), check=False)
        assert again.returncode != 0
        assert "Zieldatenbank ist nicht leer" in again.stderr
        assert state(target) == before
    finally:
        drop_database(target.database_url)


def test_backups_rotate(source: Installation) -> None:
    directory = source.workdir / "rotation"
    for _ in range(3):
        source.manage("backup", str(directory), "--keep", "2")
        # Names carry the time to the second.
        subprocess.run([sys.executable, "-c", "import time; time.sleep(1.1)"], check=True)
    assert len(list(directory.glob("stadtlage-*.tar"))) == 2


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "stadtlage-20260101T000000Z.tar"
    bogus.write_bytes(b"no tar")
    target = Installation(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = target.manage("restore", str(bogus), check=False)
    assert result.returncode != 0
    assert "keine Sicherung von stadtlage" in result.stderr


def test_rotate_keeps_the_newest_and_ignores_other_files(tmp_path: Path) -> None:
    names = [f"stadtlage-2026010{d}T020000Z.tar" for d in range(1, 6)]
    for name in [*names, "notes.txt", "stadtlage-x.tar"]:
        (tmp_path / name).write_text("x")
    removed = rotate(tmp_path, keep=3)
    assert sorted(p.name for p in removed) == names[:2]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*names[2:], "notes.txt", "stadtlage-x.tar"])
    assert all(NAME_PATTERN.match(n) for n in names)
