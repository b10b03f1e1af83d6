"""Reads of citizen reports for the public (Open311, public map).

Public reads return frozen dataclasses built from `.values()`, never model instances: a public
caller cannot reach the reporter's e-mail, internal notes or attributes even by accident.
Reports entered by patrols (source "field") are operational records and never public.
The public text of a report is `Report.public_description` (masked at creation, moderated in
the work queue); the citizen's original `description` is never read here.

Reports of person-related categories (`ServiceCategory.person_related`) leave this module only
generalised by `stadtlage.public.disclosure` (grid cell, day, no address, no photo, description
only after review), whoever renders them: pages, map, CSV, GeoJSON, Open311. `exact=True` is
for internal pages of staff who may see the exact record anyway.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from stadtlage.places.geo import distance_m
from stadtlage.public import disclosure
from stadtlage.public.policy import current as disclosure_policy
from stadtlage.reports.links import photo_url
from stadtlage.reports.models import (
    OPEN_STATES,
    Confirmation,
    PhotoState,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceAttribute,
    ServiceCategory,
)

PUBLIC_SOURCES = frozenset({ReportSource.WEB, ReportSource.OPEN311, ReportSource.PHONE})
DEFAULT_LIMIT = 1000
_PERSON_RELATED = "report__category__person_related"


class _Status:
    status: str

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)


@dataclass(frozen=True)
class PublicReport(_Status):
    """A report as the public sees it. `description` is the moderated public text
    (`Report.public_description`), empty when descriptions are withheld."""

    id: int
    status: str
    status_notes: str
    service_code: str
    service_name: str
    description: str
    agency_responsible: str
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime
    address: str
    lat: float
    lon: float
    duplicate_of_id: int | None
    media_url: str = ""
    address_id: str = ""  # key in the address register when the point came from it
    # Person-related: point = centre of `cell`, times = the day (disclosure module).
    generalised: bool = False
    cell: str = ""


@dataclass(frozen=True)
class PublicUpdate(_Status):
    id: int
    report_id: int
    status: str
    at: datetime
    description: str
    generalised: bool = False  # `at` is the day (person-related category)


def _public_queryset() -> QuerySet[Report]:
    return Report.objects.filter(source__in=PUBLIC_SOURCES)


def review_required() -> bool:
    """Descriptions wait for a review in the work queue before they are published."""
    return bool(getattr(settings, "REPORT_DESCRIPTION_REVIEW", False))


def descriptions_public() -> bool:
    return bool(getattr(settings, "STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS", True))


_FIELDS = (
    "id",
    "status",
    "category__code",
    "category__name",
    "public_description",
    "responsible__name",
    "submitted_at",
    "updated_at",
    "due_at",
    "address_string",
    "lat",
    "lon",
    "duplicate_of_id",
    "address_key",
    "description_reviewed_at",
    "category__person_related",
)


def _to_public(row: dict[str, Any], *, with_description: bool, exact: bool) -> PublicReport:
    photo = row["first_photo"]
    reviewed = bool(row["description_reviewed_at"])
    report = PublicReport(
        id=row["id"],
        status=row["status"],
        status_notes=row["status_notes"] or "",
        service_code=row["category__code"],
        service_name=row["category__name"],
        description=row["public_description"]
        if with_description and (reviewed or not review_required())
        else "",
        agency_responsible=row["responsible__name"],
        requested_at=row["submitted_at"],
        updated_at=row["updated_at"],
        expected_at=row["due_at"],
        address=row["address_string"],
        lat=row["lat"],
        lon=row["lon"],
        duplicate_of_id=row["duplicate_of_id"],
        media_url=photo_url(photo) if photo else "",
        address_id=row["address_key"],
    )
    if row["category__person_related"] and not exact:
        return generalise(report, reviewed=reviewed)
    return report


def generalise(report: PublicReport, *, reviewed: bool) -> PublicReport:
    """A person-related report as the public may see it (DOMAIN.md §8): the centre of its grid
    cell, times to the day, no address and no photo, the description only after review."""
    policy = disclosure_policy()
    point = disclosure.generalise_point(report.lat, report.lon, policy.cell_m)
    zone = timezone.get_default_timezone()
    return replace(
        report,
        lat=point.lat,
        lon=point.lon,
        cell=point.cell,
        generalised=True,
        requested_at=disclosure.to_day(report.requested_at, zone),
        updated_at=disclosure.to_day(report.updated_at, zone),
        expected_at=disclosure.to_day(report.expected_at, zone),
        description=report.description if reviewed else "",
        address="",
        address_id="",
        media_url="",
    )


def _raw_rows(queryset: QuerySet[Report]) -> list[dict[str, Any]]:
    """One query: the reports with their category, organisation, latest public note and first
    approved photo (Open311 `media_url`)."""
    latest_note = (
        ReportUpdate.objects.filter(report=OuterRef("pk"), internal_only=False)
        .order_by("-at", "-id")
        .values("public_note")[:1]
    )
    first_photo = (
        ReportPhoto.objects.filter(report=OuterRef("pk"), state=PhotoState.APPROVED)
        .order_by("uploaded_at", "id")
        .values("uuid")[:1]
    )
    return list(
        queryset.annotate(
            status_notes=Subquery(latest_note), first_photo=Subquery(first_photo)
        ).values(*_FIELDS, "status_notes", "first_photo")
    )


def _rows(queryset: QuerySet[Report], *, exact: bool = False) -> list[PublicReport]:
    with_description = descriptions_public()
    return [
        _to_public(row, with_description=with_description, exact=exact)
        for row in _raw_rows(queryset)
    ]


def _filtered(
    *,
    service_codes: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Report]:
    queryset = _public_queryset()
    codes = list(service_codes or [])
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    wanted = set(statuses or [])
    if wanted == {"open"}:
        queryset = queryset.filter(status__in=OPEN_STATES)
    elif wanted == {"closed"}:
        queryset = queryset.exclude(status__in=OPEN_STATES)
    return queryset.filter(_time_filter("submitted_at", "category__person_related", start, end))


def _time_filter(field: str, flag: str, start: datetime | None, end: datetime | None) -> Q:
    """start <= time <= end on the published time: person-related records are compared by their
    day (`disclosure.day_window`), so repeated filters cannot find their exact time."""
    if start is None and end is None:
        return Q()
    exact, generalised = Q(**{flag: False}), Q(**{flag: True})
    day_start, day_end = disclosure.day_window(start, end, timezone.get_default_timezone())
    # Both windows lie in [start, day_end): that range alone lets the database walk the time
    # index newest first and stop at the page (with only the OR it sorts the whole window).
    bounds = Q()
    if start is not None:
        exact &= Q(**{f"{field}__gte": start})
        generalised &= Q(**{f"{field}__gte": day_start})
        bounds &= Q(**{f"{field}__gte": start})  # day_start >= start
    if end is not None:
        exact &= Q(**{f"{field}__lte": end})
        generalised &= Q(**{f"{field}__lt": day_end})
        bounds &= Q(**{f"{field}__lt": day_end})  # day_end > end
    return bounds & (exact | generalised)


def public_reports(**filters: Any) -> list[PublicReport]:
    """Public reports, newest first, for the filters of `page_question`. `statuses` are
    Open311 statuses ("open", "closed").

    With `ids` the other filters are ignored (GeoReport v2: service_request_id overrides).
    """
    return _rows(_page_queryset(page_question(**filters)))


# --- public rows: the same reports for fast renderers (Open311 lists) ---------------------

# One public report as a plain tuple, in this column order: (id, status, status_notes,
# service_code, service_name, description, agency_responsible, requested_s, updated_s,
# expected_s, address, address_id, lat, lon, duplicate_of_id, media_url). Times are UTC epoch
# seconds (whole seconds, as Open311 writes them); text columns may be None for "empty".
PublicRow = tuple[
    int, str, str | None, str, str, str | None, str, int, int, int,
    str | None, str | None, float, float, int | None, str,
]  # fmt: skip


class _UnixSeconds(Func):
    """Whole seconds since 1970 (UTC) in SQL, rounded down: a number per row instead of a
    datetime object, which would cost more than everything else a row needs."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        # Django stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); strftime would round the fraction
        # (59.9999995 s → the next second), so it is cut off first.
        return f"CAST(strftime('%%s', substr({sql}, 1, 19)) AS INTEGER)", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"FLOOR(EXTRACT(EPOCH FROM {sql}))::bigint", params


def _row_queryset(queryset: QuerySet[Report]) -> QuerySet[Any]:
    """The public columns of `PublicRow` plus what the rules need (reviewed, person-related)."""
    latest_note = (
        ReportUpdate.objects.filter(report=OuterRef("pk"), internal_only=False)
        .order_by("-at", "-id")
        .values("public_note")[:1]
    )
    first_photo = (
        ReportPhoto.objects.filter(report=OuterRef("pk"), state=PhotoState.APPROVED)
        .order_by("uploaded_at", "id")
        .values("uuid")[:1]
    )
    return queryset.annotate(
        row_notes=Subquery(latest_note),
        row_requested=_UnixSeconds("submitted_at"),
        row_updated=_UnixSeconds("updated_at"),
        row_expected=_UnixSeconds("due_at"),
        row_photo=Subquery(first_photo),
        row_reviewed=ExpressionWrapper(
            Q(description_reviewed_at__isnull=False), output_field=BooleanField()
        ),
    ).values_list(
        "id",
        "status",
        "row_notes",
        "category__code",
        "category__name",
        "public_description",
        "responsible__name",
        "row_requested",
        "row_updated",
        "row_expected",
        "address_string",
        "address_key",
        "lat",
        "lon",
        "duplicate_of_id",
        "row_photo",
        "row_reviewed",
        "category__person_related",
    )


# One page of public reports, as the GET requests list asks for it: (ids, service codes,
# Open311 statuses, start, end, offset, limit); hashable, so its SQL can be kept.
PageQuestion = tuple[
    tuple[int, ...] | None,
    tuple[str, ...],
    tuple[str, ...],
    datetime | None,
    datetime | None,
    int,
    int,
]
PageColumns = Callable[[QuerySet[Report]], QuerySet[Any]]


def page_question(
    *,
    ids: Iterable[int] | None = None,
    service_codes: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> PageQuestion:
    """The filters of `public_reports` as a `PageQuestion`."""
    return (
        None if ids is None else tuple(ids),
        tuple(service_codes or ()),
        tuple(sorted(set(statuses or ()))),
        start,
        end,
        offset,
        limit,
    )


def _page_queryset(question: PageQuestion) -> QuerySet[Report]:
    ids, codes, statuses, start, end, offset, limit = question
    if ids is not None:
        queryset = _public_queryset().filter(pk__in=list(ids))
    else:
        queryset = _filtered(service_codes=codes, statuses=statuses, start=start, end=end)
    return queryset.order_by("-submitted_at", "-id")[offset : offset + limit]


@lru_cache(maxsize=256)
def _page_sql(
    alias: str, zone: str, columns: PageColumns, question: PageQuestion
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL of one page with `columns`, compiled once: building it through the ORM costs
    more than running it. The SQL depends only on the question (not on the data), so it is
    kept like a prepared statement; None when nothing can match."""
    queryset = columns(_page_queryset(question))
    try:
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:  # e.g. `pk__in=[]`: nothing can match, and the ORM says so early
        return None
    return sql, tuple(params)


def page_sql(
    columns: PageColumns, question: PageQuestion
) -> tuple[str, tuple[str, tuple[Any, ...]] | None]:
    """(database alias, SQL and parameters or None when nothing can match) of one page of
    `public_reports` (same reports, same order) with the columns that `columns` selects (a
    module-level function: its compiled SQL is kept per question)."""
    alias = router.db_for_read(Report)
    return alias, _page_sql(alias, timezone.get_default_timezone_name(), columns, question)


def fetch_page(columns: PageColumns, question: PageQuestion) -> list[tuple[Any, ...]]:
    """The rows of `page_sql`."""
    alias, compiled = page_sql(columns, question)
    if compiled is None:
        return []
    with connections[alias].cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


@lru_cache(maxsize=8192)
def _day_of_hour(zone: tzinfo, hour: int) -> int | None:
    """Epoch seconds of local midnight for every moment of the UTC hour `hour` (epoch // 3600),
    or None when the zone's offset changes within that hour or is not whole hours (then the
    day must be computed per moment)."""
    start = datetime.fromtimestamp(hour * 3600, UTC)
    end = start + timedelta(seconds=3599)
    offset = start.astimezone(zone).utcoffset()
    if offset != end.astimezone(zone).utcoffset() or offset is None or offset.seconds % 3600:
        return None
    return int(disclosure.to_day(start, zone).timestamp())


def _day_start(seconds: int, zone: tzinfo) -> int:
    """`disclosure.to_day` on epoch seconds: local midnight of the moment's day."""
    day = _day_of_hour(zone, seconds // 3600)
    if day is None:
        day = int(disclosure.to_day(datetime.fromtimestamp(seconds, UTC), zone).timestamp())
    return day


def _photo_url(value: Any) -> str:
    return photo_url(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def public_report_rows(**filters: Any) -> list[PublicRow]:
    """`public_page_rows` for the filters of `public_reports`."""
    return public_page_rows(page_question(**filters))


def public_page_rows(question: PageQuestion) -> list[PublicRow]:
    """`public_reports` as `PublicRow` tuples, for renderers of long lists (Open311 GET
    requests): the same reports, order and rules (descriptions, review, generalisation of
    person-related categories), from one query that reads only the public columns.

    Rendering these rows gives the same bytes as rendering `public_reports`
    (tests/open311/test_request_list.py).
    """
    raw = fetch_page(_row_queryset, question)
    with_description = descriptions_public()
    needs_review = review_required()
    rows: list[PublicRow] = []
    person_related: list[int] = []
    for row in raw:
        (id_, status, notes, code, name, text, agency, requested, updated, expected,
         address, address_id, lat, lon, duplicate_of, photo, reviewed, personal) = row  # fmt: skip
        if not with_description or (needs_review and not reviewed):
            text = None
        if personal:
            person_related.append(len(rows))
            text = text if reviewed else None
        media = _photo_url(photo) if photo and not personal else ""
        rows.append(
            (id_, status, notes, code, name, text, agency, requested, updated, expected,
             address, address_id, lat, lon, duplicate_of, media)
        )  # fmt: skip
    if person_related:
        _generalise_rows(rows, person_related)
    return rows


def _generalise_rows(rows: list[PublicRow], indexes: list[int]) -> None:
    """`generalise` on the rows at `indexes`, in place: the centre of the grid cell (all points
    transformed at once), times to the day, no address (photo and description are already
    handled by the caller)."""
    zone = timezone.get_default_timezone()
    points = disclosure.generalise_points(
        [rows[i][12] for i in indexes], [rows[i][13] for i in indexes], disclosure_policy().cell_m
    )
    for i, (lat, lon) in zip(indexes, points, strict=True):
        row = rows[i]
        rows[i] = (
            *row[:7],
            _day_start(row[7], zone),
            _day_start(row[8], zone),
            _day_start(row[9], zone),
            None,
            None,
            lat,
            lon,
            *row[14:],
        )


def _newest_after(queryset: QuerySet[Report], last: dict[str, Any] | None) -> QuerySet[Report]:
    """Newest first, after the row `last` (keyset paging on the stored values, never on
    generalised ones)."""
    if last is not None:
        queryset = queryset.filter(
            Q(submitted_at__lt=last["submitted_at"])
            | Q(submitted_at=last["submitted_at"], id__lt=last["id"])
        )
    return queryset.order_by("-submitted_at", "-id")


def iter_public_reports(
    *,
    service_codes: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    chunk: int = 2000,
) -> Iterator[PublicReport]:
    """Every matching public report, newest first, in chunks (keyset paging, for exports)."""
    queryset = _filtered(service_codes=service_codes, statuses=statuses, start=start, end=end)
    with_description = descriptions_public()
    last: dict[str, Any] | None = None
    while True:
        rows = _raw_rows(_newest_after(queryset, last)[:chunk])
        for row in rows:
            yield _to_public(row, with_description=with_description, exact=False)
        if len(rows) < chunk:
            return
        last = rows[-1]


@dataclass(frozen=True)
class MapPoint(_Status):
    """A report on the public map: as little as the map needs, generalised like the rest."""

    id: int
    status: str
    service_name: str
    lat: float
    lon: float
    generalised: bool


BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def public_map_points(
    *,
    bbox: BBox,
    service_codes: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[MapPoint], bool]:
    """The newest `limit` public reports whose *published* point lies in `bbox`, and whether
    there were more.

    Whether a person-related report is in the box is decided by its generalised point, never
    the exact one (a tiny box must not locate it): the query searches a box grown by half a cell
    diagonal, and the published points are filtered afterwards.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    cell_m = disclosure_policy().cell_m
    margin_lat = cell_m / 111_320
    margin_lon = cell_m / (111_320 * max(math.cos(math.radians(min_lat)), 0.1))
    queryset = _filtered(
        service_codes=service_codes, statuses=statuses, start=start, end=end
    ).filter(
        lat__range=(min_lat - margin_lat, max_lat + margin_lat),
        lon__range=(min_lon - margin_lon, max_lon + margin_lon),
    )
    fields = ("id", "status", "category__name", "category__person_related", "lat", "lon")
    points: list[MapPoint] = []
    last: dict[str, Any] | None = None
    # Nearly every row in the grown box is in the box: one query is the rule, a second the
    # exception (person-related points near the edge fall outside once generalised).
    chunk = max(limit + 1 + limit // 8, 500)
    while len(points) <= limit:
        page = _newest_after(queryset, last)
        rows = list(page.values_list(*fields)[:chunk])
        personal = [i for i, row in enumerate(rows) if row[3]]
        centres = dict(
            zip(
                personal,
                disclosure.generalise_points(
                    [rows[i][4] for i in personal], [rows[i][5] for i in personal], cell_m
                ),
                strict=True,
            )
        )
        for i, (id_, status, name, generalised, lat, lon) in enumerate(rows):
            if generalised:
                lat, lon = centres[i]
            if min_lat <= lat <= max_lat and min_lon <= lon <= max_lon:
                points.append(MapPoint(id_, status, name, lat, lon, generalised))
        if len(rows) < chunk:
            break
        # keyset paging on the stored values of the last row read
        last = dict(queryset.filter(pk=rows[-1][0]).values("submitted_at", "id").get())
    return points[:limit], len(points) > limit


def public_report(*, report_id: int, exact: bool = False) -> PublicReport | None:
    """One public report; `exact=True` only for staff pages (no generalisation)."""
    found = _rows(_public_queryset().filter(pk=report_id), exact=exact)
    return found[0] if found else None


def public_report_id_for_token(*, token: str) -> int | None:
    """The id of the public report whose token (uuid) is `token`."""
    try:
        parsed = uuid.UUID(token)
    except ValueError:
        return None
    return _public_queryset().filter(uuid=parsed).values_list("id", flat=True).first()


def public_updates(
    *, start: datetime, end: datetime, offset: int = 0, limit: int = DEFAULT_LIMIT
) -> list[PublicUpdate]:
    """Timeline entries of public reports in [start, end], oldest first; never internal notes."""
    rows = (
        ReportUpdate.objects.filter(
            _time_filter("at", _PERSON_RELATED, start, end),
            report__source__in=PUBLIC_SOURCES,
            internal_only=False,
        )
        .order_by("at", "id")
        .values(*_UPDATE_FIELDS)[offset : offset + limit]
    )
    return [_to_public_update(row) for row in rows]


_UPDATE_FIELDS = ("id", "report_id", "to_status", "at", "public_note", _PERSON_RELATED)


def _to_public_update(row: dict[str, Any], *, exact: bool = False) -> PublicUpdate:
    generalised = bool(row[_PERSON_RELATED]) and not exact
    at = row["at"]
    if generalised:
        at = disclosure.to_day(at, timezone.get_default_timezone())
    return PublicUpdate(
        id=row["id"],
        report_id=row["report_id"],
        status=row["to_status"],
        at=at,
        description=row["public_note"],
        generalised=generalised,
    )


# --- public pages: suggestions, timeline, photos ------------------------------------------

SUGGESTION_RADIUS_M = 150.0
SUGGESTION_LIMIT = 5


@dataclass(frozen=True)
class Suggestion:
    """An open report of the same category near the reporter's pin."""

    report: PublicReport
    distance_m: int
    confirmations: int


def confirmation_counts(report_ids: Iterable[int]) -> dict[int, int]:
    """Confirmations per report, one query."""
    ids = list(report_ids)
    if not ids:
        return {}
    rows = (
        Confirmation.objects.filter(report_id__in=ids)
        .values("report_id")
        .annotate(n=Count("id"))
        .values_list("report_id", "n")
    )
    return dict(rows)


def nearby_open_reports(
    *,
    category_code: str,
    lat: float,
    lon: float,
    radius_m: float = SUGGESTION_RADIUS_M,
    limit: int = SUGGESTION_LIMIT,
) -> list[Suggestion]:
    """Open public reports of the category within `radius_m`, nearest first (two queries)."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return []
    # Person-related reports are compared by their generalised point, never the exact one: the
    # search box grows by half a cell diagonal and the distance is measured to the cell centre.
    search_m = radius_m
    if ServiceCategory.objects.filter(code=category_code, person_related=True).exists():
        search_m += disclosure_policy().cell_m / math.sqrt(2)
    dlat = search_m / 111_320
    dlon = search_m / (111_320 * max(math.cos(math.radians(lat)), 0.1))
    candidates = (
        _public_queryset()
        .filter(
            category__code=category_code,
            status__in=OPEN_STATES,
            duplicate_of__isnull=True,
            lat__range=(lat - dlat, lat + dlat),
            lon__range=(lon - dlon, lon + dlon),
        )
        .order_by("-submitted_at", "-id")[:50]
    )
    near = [(distance_m(lat, lon, r.lat, r.lon), r) for r in _rows(candidates)]
    near = sorted((pair for pair in near if pair[0] <= radius_m), key=lambda pair: pair[0])
    near = near[:limit]
    counts = confirmation_counts(r.id for _d, r in near)
    return [
        Suggestion(report=r, distance_m=round(d), confirmations=counts.get(r.id, 0))
        for d, r in near
    ]


def public_report_by_uuid(*, report_uuid: uuid.UUID) -> PublicReport | None:
    found = _rows(_public_queryset().filter(uuid=report_uuid))
    return found[0] if found else None


def public_timeline(*, report_id: int, exact: bool = False) -> list[PublicUpdate]:
    """A public report's history for everyone: states and public notes, no names; for
    person-related categories to the day (`exact=True` only for staff pages)."""
    rows = (
        ReportUpdate.objects.filter(report_id=report_id, internal_only=False)
        .order_by("at", "id")
        .values(*_UPDATE_FIELDS)
    )
    return [_to_public_update(row, exact=exact) for row in rows]


def approved_photo_ids(*, report_id: int) -> list[uuid.UUID]:
    """Approved photos of a report (staff pages; the public sees `public_photo_ids`)."""
    return list(
        ReportPhoto.objects.filter(report_id=report_id, state=PhotoState.APPROVED)
        .order_by("uploaded_at", "id")
        .values_list("uuid", flat=True)
    )


def public_photo_ids(*, report_id: int) -> list[uuid.UUID]:
    """Approved photos the public may see: none for person-related categories (a photo shows
    the exact place)."""
    return list(
        ReportPhoto.objects.filter(
            report_id=report_id,
            state=PhotoState.APPROVED,
            report__source__in=PUBLIC_SOURCES,
            report__category__person_related=False,
        )
        .order_by("uploaded_at", "id")
        .values_list("uuid", flat=True)
    )


def photo_for_serving(*, photo_uuid: uuid.UUID) -> ReportPhoto | None:
    """The photo with its report (for the permission check); None if its file is gone."""
    return (
        ReportPhoto.objects.select_related("report__category")
        .filter(uuid=photo_uuid)
        .exclude(image="")
        .first()
    )


def is_public_photo(photo: ReportPhoto) -> bool:
    return (
        photo.state == PhotoState.APPROVED
        and photo.report.source in PUBLIC_SOURCES
        and not photo.report.category.person_related
    )


# --- the service catalogue (categories and their questions) ---------------------------------


def service_catalogue() -> list[tuple[ServiceCategory, bool]]:
    """Active categories with a flag: do they have questions (Open311 `metadata`)?"""
    categories = ServiceCategory.objects.filter(is_active=True).annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk")))
    )
    return [(category, bool(category.has_attributes)) for category in categories]


def active_category(*, code: str) -> ServiceCategory | None:
    return (
        ServiceCategory.objects.select_related("responsible")
        .filter(code=code, is_active=True)
        .first()
    )


def service_definition(*, code: str) -> tuple[ServiceCategory, list[ServiceAttribute]] | None:
    category = active_category(code=code)
    if category is None:
        return None
    return category, list(category.attributes.order_by("order", "id"))


def unknown_service_codes(codes: Iterable[str]) -> list[str]:
    """Codes of `codes` no category (active or not) has; reports keep old categories' codes."""
    wanted = list(codes)
    known = set(ServiceCategory.objects.filter(code__in=wanted).values_list("code", flat=True))
    return [code for code in wanted if code not in known]


def catalogue_changed_at() -> datetime | None:
    """When a category or question last changed (Open311 discovery `changeset`)."""
    stamps = [
        ServiceCategory.objects.aggregate(at=Max("updated_at"))["at"],
        ServiceAttribute.objects.aggregate(at=Max("updated_at"))["at"],
    ]
    present = [stamp for stamp in stamps if stamp is not None]
    return max(present) if present else None
