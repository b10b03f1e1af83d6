"""`stadtlage processing_register`: the processing register as Markdown or PDF (Art. 30 GDPR)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stadtlage.privacy.markdown import register_markdown
from stadtlage.privacy.pdf import register_pdf
from stadtlage.privacy.register import build_register


class Command(BaseCommand):
    help = (
        "Erzeugt das Verzeichnis von Verarbeitungstätigkeiten aus Datenmodell und Einstellungen "
        "(Markdown auf die Standardausgabe, oder --output DATEI.md / DATEI.pdf)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="Datei (.md oder .pdf); ohne: Markdown ausgeben")

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        register = build_register()
        if not output:
            self.stdout.write(register_markdown(register))
            return
        path = Path(output)
        if path.suffix == ".pdf":
            path.write_bytes(register_pdf(register))
        elif path.suffix == ".md":
            path.write_text(register_markdown(register), encoding="utf-8")
        else:
            raise CommandError("--output muss auf .md oder .pdf enden.")
        self.stdout.write(f"Verzeichnis geschrieben: {path}")
