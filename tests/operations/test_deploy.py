"""The container files fit the code: the entry point is valid shell, the files the
Containerfile copies exist, and every setting the compose file passes is a real setting."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_entrypoint_is_valid_shell() -> None:
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no sh")
    result = subprocess.run([sh, "-n", str(DEPLOY / "container-entrypoint.sh")], check=False)
    assert result.returncode == 0


def test_containerfile_copies_existing_files() -> None:
    text = (DEPLOY / "Containerfile").read_text()
    sources = [
        part
        for line in text.splitlines()
        if line.startswith("COPY ")
        for part in line.split()[1:-1]
    ]
    assert "deploy/container-entrypoint.sh" in sources
    for source in sources:
        assert (ROOT / source).exists(), source


def test_compose_passes_only_known_settings() -> None:
    compose = (DEPLOY / "compose.yaml").read_text()
    example = (ROOT / ".env.example").read_text()
    known = set(re.findall(r"^#? ?([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    passed = set(re.findall(r"^\s{6}([A-Z][A-Z0-9_]+):", compose, flags=re.MULTILINE))
    postgres_image = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
    assert {"DATABASE_URL", "REDIS_URL", "JOBS_IN_WORKER"} <= passed
    assert passed - postgres_image <= known, sorted(passed - postgres_image - known)
