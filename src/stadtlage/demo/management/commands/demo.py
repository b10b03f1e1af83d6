"""`stadtlage demo`: the demo city – reference data, demo accounts and a generated scenario."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from stadtlage.demo.accounts import create_demo_accounts, enrol_demo_second_factors
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.generator import DEFAULT_SEED, generate
from stadtlage.demo.output import logins_table
from stadtlage.demo.reset import clear_scenario
from stadtlage.evaluation.seed import load_demo_evaluations
from stadtlage.hotspots.seed import load_demo_plan
from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.seed import load_indicators
from stadtlage.organisations.models import Organisation
from stadtlage.patrols.models import Observation
from stadtlage.public.seed import publish_demo
from stadtlage.taskforce.seed import load_demo_taskforce

COUNT_LABELS = {
    "patrols": "Streifen",
    "presence_intervals": "Präsenzzeiten",
    "observations": "Feststellungen",
    "measures": "Maßnahmen",
    "reports": "Meldungen",
    "report_updates": "Meldungsverläufe",
    "cleaning_tasks": "Reinigungsaufträge",
    "partner_values": "Partner-Werte",
}


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ungültiges Datum „{value}“ (erwartet JJJJ-MM-TT).") from exc


def _scenario_now(until: dt.date | None) -> dt.datetime:
    """The scenario's "now": the real time, or the evening of the last simulated day."""
    if until is None:
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(until, dt.time(18, 0)))


class _Progress:
    """Tells what the command is building (it takes about a minute), with the time so far."""

    def __init__(self, write: Any, total: int, *, enabled: bool, detailed: bool) -> None:
        self.write, self.total, self.enabled, self.detailed = write, total, enabled, detailed
        self.began = self.last = time.perf_counter()
        self.done = 0

    def step(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            elapsed = time.perf_counter() - self.began
            self.write(f"[{self.done}/{self.total}] {label} … ({elapsed:.0f} s)".replace(".", ","))
            self.last = time.perf_counter()

    def detail(self, text: str) -> None:
        """Progress inside a step: every line when asked for (-v 2), else every few seconds."""
        now = time.perf_counter()
        if self.detailed or (self.enabled and now - self.last >= 5):
            self.write(f"      {text}")
            self.last = now


class Command(BaseCommand):
    help = (
        "Lädt die Demo-Stadt: Stammdaten, Demo-Zugänge für alle Rollen und ein Szenario ab "
        "01.08.2023 (nur im Demo-Modus, STADTLAGE_DEMO=1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--events", type=int, help="Gesamtzahl der Ereignisse (skaliert das Volumen)."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Zufallsstartwert.")
        parser.add_argument("--until", type=_date, help="Letzter Tag (JJJJ-MM-TT); sonst heute.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nichts tun, wenn schon Organisationen oder Feststellungen existieren.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vorhandene Bewegungsdaten (Streifen, Feststellungen, Meldungen …) löschen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Die Demo-Stadt legt Zugänge mit bekanntem Passwort an und läuft deshalb nur im "
                "Demo-Modus (STADTLAGE_DEMO=1). Für Stammdaten im Betrieb: „stadtlage baseline“."
            )
        if options["events"] is not None and options["events"] < 1:
            raise CommandError("--events muss eine positive Zahl sein.")
        if options["if_empty"] and (Observation.objects.exists() or Organisation.objects.exists()):
            self.stdout.write("Es gibt bereits Daten – die Demo-Stadt wird nicht geladen.")
            enrol_demo_second_factors()  # demo databases from before the second factor
            call_command("demo_logins", stdout=self.stdout)
            return
        if Observation.objects.exists():
            if not options["replace"]:
                raise CommandError(
                    "Es gibt bereits Feststellungen. „--replace“ löscht die Bewegungsdaten und "
                    "erzeugt das Szenario neu."
                )
            deleted = clear_scenario()
            self.stdout.write(f"Gelöscht: {sum(deleted.values())} Datensätze.")
        began = time.perf_counter()
        progress = _Progress(
            self.stdout.write,
            8 if options["until"] is None else 7,
            enabled=options["verbosity"] >= 1,
            detailed=options["verbosity"] >= 2,
        )
        progress.step("Stammdaten und Demo-Zugänge")
        load_baseline()
        logins = create_demo_accounts()
        progress.step("Szenario: Streifen, Feststellungen, Meldungen, Reinigungsaufträge")
        result = generate(
            seed=options["seed"],
            until=options["until"],
            events=options["events"],
            progress=progress.detail,
        )
        if connection.vendor == "postgresql":  # fresh statistics after the bulk load
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        progress.step("Kennzahlen anlegen")
        indicators = load_indicators()
        progress.step("Sonderstab: Arbeitsgruppen, Empfehlungen, Sitzungen")
        taskforce = load_demo_taskforce(now=_scenario_now(options["until"]))
        progress.step("Evaluationen")
        evaluations = load_demo_evaluations(now=_scenario_now(options["until"]))
        progress.step("Zeitreihen der Kennzahlen berechnen")
        series = recompute_all()
        progress.step("Öffentliches Lagebild freigeben")
        published = publish_demo()  # the public Lagebild and Maßnahmen (four eyes, audited)
        if options["until"] is None:  # the last completed week's report to the Oberbürgermeister
            progress.step("Bericht an den Oberbürgermeister und Streifenplan")
            call_command("ob_report", stdout=self.stdout)
            plan = load_demo_plan()  # the running shift's patrol plan (docs/hotspots.md)
            if plan is not None:
                self.stdout.write(
                    f"Streifenplan {timezone.localtime(plan.shift_start):%H:%M}–"
                    f"{timezone.localtime(plan.shift_end):%H:%M} freigegeben: "
                    f"{plan.stops.count()} Halte an {plan.hotspots.count()} Brennpunkten "
                    "(Streife von „kod“ und „polizei“)."
                )
        seconds = time.perf_counter() - began
        for key, label in COUNT_LABELS.items():
            self.stdout.write(f"  {label:<20} {_number(result.counts.get(key, 0)):>10}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Stadt geladen: {_number(result.events)} Ereignisse in {seconds:.1f} s "
                f"(Szenario {result.seconds:.1f} s, Skalierung {result.scale:.3f})."
            )
        )
        self.stdout.write(
            f"Kennzahlen: {len(indicators.created)} angelegt, {len(series)} Zeitreihen berechnet; "
            f"Sonderstab: {sum(taskforce.values())} Datensätze; Evaluationen: {evaluations}; "
            f"öffentlich: {published['figures']} Kennzahlen, {published['summaries']} Maßnahmen."
        )
        self.stdout.write(logins_table(logins))
