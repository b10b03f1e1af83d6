"""What the container image installs (`pip install .`, not the editable install of `make run`)
holds the whole package and runs in production mode from there.

No container is built here (no container daemon or registry on the test machines); this test
rehearses the image's Python side: the wheel built from the tracked sources holds every tracked
file of the package (templates, static files, translations, data files, migrations), and
`collectstatic` and the deploy checks pass with the package imported from the unpacked wheel.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.operations.server import ROOT, production_env


def _tracked(prefix: str) -> list[str]:
    git = shutil.which("git")
    if git is None:
        pytest.fail("git is needed to list the tracked files")
    out = subprocess.run(
        [git, "ls-files", prefix], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        pytest.fail(f"git ls-files failed: {out.stderr}")
    return [line for line in out.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the tracked sources, as `pip install .` builds it."""
    source = tmp_path_factory.mktemp("source")
    for name in [*_tracked("src"), "pyproject.toml", "README.md"]:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(dist), str(source)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    (wheel_path,) = dist.glob("stadtlage-*.whl")
    return wheel_path


def test_the_wheel_holds_every_tracked_file_of_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
    tracked = {name.removeprefix("src/") for name in _tracked("src/stadtlage")}
    missing = sorted(tracked - inside)
    assert not missing, f"not in the wheel (pyproject.toml package-data): {missing[:20]}"
    assert "stadtlage/locale/en/LC_MESSAGES/django.mo" in inside
    assert any(name.startswith("stadtlage/static/vendor/leaflet/") for name in inside)


def test_production_mode_runs_from_the_installed_package(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = production_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["PYTHONPATH"] = str(site)  # the unpacked wheel comes first, before the editable install

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stadtlage", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import stadtlage; print(stadtlage.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(site / "stadtlage" / "__init__.py")
    collected = manage("collectstatic", "--noinput", "-v", "2")
    assert collected.returncode == 0, collected.stderr[-4000:]
    assert f"{site}/stadtlage/static/" in collected.stdout  # copied from the installed package
    assert (tmp_path / "var" / "static" / "staticfiles.json").exists()
    migrated = manage("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    checked = manage("check", "--deploy", "--fail-level", "ERROR")
    assert checked.returncode == 0, checked.stderr[-4000:]
