"""A synthetic national dataset: projects of every plan year from 2014 to next year, with their
locations, decisions, ledger and indicator values – for trying the screens and the benchmarks at
national scale (``khuyencong generate-demo``). Never business data.

What is generated, deterministically for a seed and a “today”:

* **projects** spread evenly over the plan years 2014 … today's year + 1: KCQG (40 %) and KCĐP, the
  programme contents (the two of Decree 235/2025 from 2026), the 63 former provinces for the plan
  years up to 2025 and the 34 provinces from 2026, every status of the cycle – a plan year two or more
  years back is closed (settled, stopped, rejected, withdrawn), last year's is being settled, this
  year's is being carried out, next year's proposals are in appraisal. One project in ten is split
  over two provinces;
* **decisions**: each plan year's KCQG allocation (December) and amendment (July) of the ministry,
  and those of each province's People's Committee for KCĐP, with their lines;
* **the ledger**, about ten entries a project through the plan/payment/settlement cycle: requested,
  counterpart, recommended by the DOIT and by the council, allocated, amended, advance, payments,
  settled, refunded, counterpart spent – each split over the project's provinces, dated, never after
  “today”;
* **the status history**: an event for each step of the cycle the project took, dated by its
  movements (so that a report as of a past date finds the status each project had then);
* **indicator values**: the planned results of every filed project (two to five indicators of its
  content) and the result reports of every project that was carried out (six periods, approved,
  with some submitted and rejected ones that do not count).

Every generated record is marked: project codes, decision numbers (and establishments' registration
numbers, :mod:`khuyencong.establishments.synthetic`) start with ``SYN-``, and each project's
objectives say it is generated. Rows are written without audit records (:mod:`khuyencong.core.bulk`).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

FIRST_YEAR = 2014
MERGED = 2026  # first plan year filed in the 34 provinces of 2025
PREFIX = "SYN-"
MARKER = "Dữ liệu mô phỏng do lệnh khuyencong generate-demo sinh ra, không phải số liệu thật."
# Weights of the contents (their share of projects); the last two exist from 2026 (Decree 235/2025).
CONTENT_WEIGHTS = {
    "dao-tao-nghe": 10,
    "nang-luc-quan-ly": 6,
    "mo-hinh-may-moc": 34,
    "san-xuat-sach-hon": 3,
    "san-pham-tieu-bieu": 14,
    "tu-van-thong-tin": 12,
    "lien-ket-cum-cn": 4,
    "hop-tac-quoc-te": 1,
    "nang-luc-khuyen-cong": 6,
    "khac": 2,
    "sxtd-ben-vung": 4,
    "chuyen-doi-so": 6,
}
NEW_CONTENTS = {"sxtd-ben-vung", "chuyen-doi-so"}
PRODUCTS = [
    "gốm sứ",
    "mây tre đan",
    "chè",
    "dệt thổ cẩm",
    "cơ khí nhỏ",
    "đồ gỗ",
    "nước mắm",
    "bánh đa",
    "miến dong",
    "sơn mài",
    "chế biến nông sản",
    "cà phê",
    "hạt điều",
    "tinh bột sắn",
    "muối",
    "giấy dó",
]
# the plan years' statuses that carry out the project (they report results)
CARRIED_OUT = {"in_progress", "accepted", "settled", "stopped"}
# what one project plans: tens of people or establishments, a few of anything else
TARGETS = {"người": [20, 30, 40, 50, 60, 100], "cơ sở": [1, 2, 3, 5, 10], "lượt cơ sở": [5, 10, 20, 30]}
OTHER_TARGETS = [1, 1, 1, 2, 2, 3]


def years(today: datetime.date) -> range:
    """The plan years generated: 2014 to next year (whose proposals are in appraisal)."""
    return range(FIRST_YEAR, today.year + 2)


def status_weights(year: int, source: str, today: datetime.date) -> dict[str, int]:
    """Where the projects of a plan year stand on ``today``."""
    if year <= today.year - 2:
        return {"settled": 80, "stopped": 3, "rejected": 12, "withdrawn": 5}
    if year == today.year - 1:
        return {
            "settled": 55,
            "accepted": 15,
            "in_progress": 8,
            "stopped": 3,
            "rejected": 14,
            "withdrawn": 5,
        }
    if year == today.year:
        return {
            "in_progress": 40,
            "accepted": 20,
            "settled": 10,
            "approved": 7,
            "stopped": 3,
            "rejected": 15,
            "withdrawn": 5,
        }
    weights = {"draft": 8, "submitted": 20, "returned": 4, "doit_appraised": 20}
    weights.update({"withdrawn": 3, "rejected": 6})
    if source == "kcqg":
        weights.update({"forwarded": 15, "under_review": 12, "agency_appraised": 12})
    else:
        weights["doit_appraised"] += 39
    return weights


def movements(
    rng: random.Random,
    year: int,
    source: str,
    status: str,
    decisions: dict,
    today: datetime.date,
) -> tuple[list, list]:
    """``([(kind, amount, date, decision)], [(decision, action, amount, previous)])`` of one project."""

    def capped(day: datetime.date) -> datetime.date:  # no money moves after “today”
        return min(day, today)

    if status == "draft":
        return [], []
    requested = rng.randint(200, 3_000) * 1_000_000 if source == "kcqg" else rng.randint(50, 800) * 1_000_000
    counterpart = requested * rng.choice([50, 100, 100, 150, 200, 300]) // 100
    filed = capped(datetime.date(year - 1, 5, rng.randint(2, 20)))
    moves = [("requested", requested, filed, None), ("counterpart_requested", counterpart, filed, None)]
    lines: list[tuple] = []
    if status in ("submitted", "returned", "withdrawn"):
        return moves, lines
    appraised = capped(datetime.date(year - 1, 6, rng.randint(1, 28)))
    if rng.random() < 0.25:  # returned by the DOIT and filed again with a smaller request
        revised = requested * rng.choice([80, 90]) // 100
        refiled = appraised - datetime.timedelta(days=7)
        moves.append(("requested", revised - requested, refiled, None))
        counterpart_revised = counterpart * revised // requested
        moves.append(("counterpart_requested", counterpart_revised - counterpart, refiled, None))
        requested, counterpart = revised, counterpart_revised
    doit = requested * rng.choice([80, 90, 100, 100]) // 100
    moves.append(("recommended_doit", doit, appraised, None))
    if status in ("doit_appraised", "forwarded", "under_review"):
        return moves, lines
    if status == "rejected" and rng.random() < 0.5:  # by the DOIT
        return moves, lines
    recommended = doit
    if source == "kcqg":
        recommended = doit * rng.choice([85, 90, 100, 100]) // 100
        council = capped(datetime.date(year - 1, 9, rng.randint(5, 25)))
        moves.append(("recommended", 0 if status == "rejected" else recommended, council, None))
    if status in ("agency_appraised", "rejected"):
        return [m for m in moves if m[1]], lines
    # decided: the allocation decision, then perhaps an amendment
    allocation, amendment = decisions["allocation"], decisions["amendment"]
    plan = recommended
    moves.append(("allocated", plan, allocation.date, allocation))
    lines.append((allocation, "approve", plan, 0))
    if status == "approved":
        return moves, lines
    advance = plan * rng.choice([30, 50]) // 100
    moves.append(("advanced", advance, capped(datetime.date(year, 3, rng.randint(5, 28))), None))
    paid = advance
    if status == "stopped":
        moves.append(("amended", advance - plan, capped(amendment.date), amendment))
        lines.append((amendment, "stop", advance, plan))
        return moves, lines
    if rng.random() < 0.2 and amendment.date <= today:
        adjusted = min(requested, plan * rng.choice([85, 90, 110]) // 100)
        moves.append(("amended", adjusted - plan, amendment.date, amendment))
        lines.append((amendment, "adjust", adjusted, plan))
        plan = adjusted
    if status == "in_progress":
        if rng.random() < 0.5:
            payment = (plan - advance) // 2
            moves.append(("disbursed", payment, capped(datetime.date(year, 7, rng.randint(1, 28))), None))
        return moves, lines
    # accepted or settled: paid in two to four payments
    refund = status == "settled" and rng.random() < 0.1
    settled = plan * (rng.choice([90, 95]) if refund else rng.choice([95, 100, 100, 100])) // 100
    target = plan if refund else settled
    parts = rng.randint(2, 4)
    remaining = target - paid
    for k in range(parts):
        payment = remaining // (parts - k)
        remaining -= payment
        day = capped(datetime.date(year, 5 + 2 * k, rng.randint(1, 28)))
        moves.append(("disbursed", payment, day, None))
    if status == "accepted":
        return moves, lines
    closing = capped(datetime.date(year, 12, 20) if rng.random() < 0.7 else datetime.date(year + 1, 2, 15))
    moves.append(("settled", settled, closing, None))
    spent = counterpart * rng.choice([90, 100, 100, 110]) // 100
    moves.append(("counterpart_actual", spent, closing, None))
    if refund:
        moves.append(("refunded", plan - settled, capped(closing + datetime.timedelta(days=30)), None))
    return moves, lines


# the event that records each status a synthetic project reaches
EVENT_OF = {
    "submitted": "submitted",
    "returned": "returned",
    "doit_appraised": "doit_appraised",
    "forwarded": "forwarded",
    "under_review": "expert_assigned",
    "agency_appraised": "council_concluded",
    "approved": "approved",
    "in_progress": "contract_signed",
    "accepted": "accepted",
    "settled": "settled",
    "stopped": "stopped",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
}
# the ledger movement that dates the step into each status of the cycle
STEP_OF = [
    ("requested", "submitted"),
    ("recommended_doit", "doit_appraised"),
    ("recommended", "agency_appraised"),
    ("allocated", "approved"),
    ("advanced", "in_progress"),
    ("settled", "settled"),
]
STEPS = [status for _kind, status in STEP_OF]


def status_events(status: str, moves: list) -> list[tuple[str, str, str, datetime.date]]:
    """``[(event kind, from status, to status, date)]``: the project's way to ``status``, dated by its
    movements, so that a report as of a past date finds the status the project had then."""
    if status == "draft" or not moves:
        return []
    first: dict[str, datetime.date] = {}
    for kind, _amount, day, _decision in moves:
        first.setdefault(kind, day)
    path: list[tuple[str, datetime.date]] = []
    reached = STEPS.index(status) if status in STEPS else len(STEPS)
    for kind, step in STEP_OF[: reached + 1]:
        if kind in first:
            path.append((step, first[kind]))
    last_day = max(day for _kind, _amount, day, _decision in moves)
    if status == "accepted":
        path.append((status, last_day))
    elif status == "stopped":
        path.append((status, max(d for k, _a, d, _dec in moves if k == "amended")))
    elif not path or path[-1][0] != status:
        path.append((status, max(last_day, path[-1][1]) if path else last_day))
    events, previous, day_before = [], "draft", datetime.date.min
    for step, day in path:
        day = max(day, day_before)  # never before the step it follows
        events.append((EVENT_OF[step], previous, step, day))
        previous, day_before = step, day
    return events


def report_dates(year: int, today: datetime.date) -> list[datetime.date]:
    """The ends of the periods a project of ``year`` reports results for, up to ``today``."""
    ends = [
        datetime.date(year, 3, 31),
        datetime.date(year, 4, 30),
        datetime.date(year, 6, 30),
        datetime.date(year, 8, 31),
        datetime.date(year, 10, 31),
        datetime.date(year, 11, 30),
    ]
    return [d for d in ends if d <= today]


def results(
    rng: random.Random,
    year: int,
    status: str,
    indicators: list[int],
    today: datetime.date,
    units: dict[int, str] | None = None,
) -> tuple[list[tuple], list[tuple]]:
    """``([(indicator, target)], [(indicator, value, period_end, state)])`` of one filed project:
    two to five indicators of its content planned, and, when it was carried out, a report per
    period (six of them) – the achieved amount split over the periods (a stopped project reports
    part of it)."""
    chosen = rng.sample(indicators, min(len(indicators), rng.randint(2, 5)))
    units = units or {}
    planned = [(ind, rng.choice(TARGETS.get(units.get(ind, ""), OTHER_TARGETS))) for ind in chosen]
    reports: list[tuple] = []
    if status not in CARRIED_OUT:
        return planned, reports
    ends = report_dates(year, today)
    if status == "stopped":
        ends = ends[:2]
    for ind, target in planned:
        if not ends:
            break
        achieved = target * rng.choice([80, 90, 100, 100, 110, 120]) // 100
        if status == "stopped":
            achieved //= 3
        remaining = achieved
        for k, end in enumerate(ends):
            value = remaining if k == len(ends) - 1 else remaining // (len(ends) - k)
            remaining -= value
            pending = status == "in_progress" and k == len(ends) - 1
            reports.append((ind, value, end, "submitted" if pending else "approved"))
        if rng.random() < 0.1:  # a report sent back: it does not count
            reports.append((ind, target, ends[-1], "rejected"))
    return planned, reports


@dataclass
class Generated:
    """What one run wrote."""

    counts: dict[str, int] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def generate_projects(
    count: int,
    seed: int,
    today: datetime.date,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Write ``count`` synthetic projects with their decisions, ledger and indicator values."""
    import time

    from django.db import models, transaction

    from khuyencong.core.bulk import RawTable, reset_sequences
    from khuyencong.core.text import fold
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.geo.queries import rollup_map
    from khuyencong.orgs.models import Organisation
    from khuyencong.programmes.models import Content, Indicator, Programme
    from khuyencong.projects.extensions import FACTS_REWRITTEN
    from khuyencong.projects.models import (
        Decision,
        DecisionLine,
        LedgerEntry,
        PlannedResult,
        Project,
        ProjectEvent,
        ProjectLocation,
        ResultReport,
    )
    from khuyencong.projects.services.ledger import split_amount

    rng = random.Random(seed)
    started = time.perf_counter()
    plan_years = years(today)
    province = Level.PROVINCE
    old = list(AdministrativeUnit.objects.filter(level=province).valid_on(datetime.date(2020, 1, 1)))
    new = list(AdministrativeUnit.objects.filter(level=province).valid_on(datetime.date(2026, 1, 1)))
    if len(old) < 60 or len(new) < 30:
        raise ValueError("load the reference data first (khuyencong load-reference)")
    old.sort(key=lambda u: u.code)
    new.sort(key=lambda u: u.code)
    now_of = rollup_map(province, datetime.date(2026, 1, 1))
    contents, short_names = {}, {}
    for pk, code, short_name in Content.objects.filter(code__in=CONTENT_WEIGHTS).values_list(
        "pk", "code", "short_name"
    ):
        contents[code], short_names[code] = pk, short_name
    if len(contents) != len(CONTENT_WEIGHTS):
        raise ValueError(f"missing contents: {sorted(set(CONTENT_WEIGHTS) - set(contents))}")
    indicators_of: dict[str, list[int]] = defaultdict(list)
    units: dict[int, str] = {}
    for pk, content_code, unit in (
        Indicator.objects.filter(aggregation="sum", cumulative=False)
        .order_by("content__code", "order", "code")
        .values_list("pk", "content__code", "unit")
    ):
        indicators_of[content_code].append(pk)
        units[pk] = unit
    programmes = sorted(Programme.objects.filter(level="national"), key=lambda p: p.start_year)
    centre, committee = {}, {}
    for org_id, kind, province_id in (
        Organisation.objects.filter(kind__in=["extension_centre", "peoples_committee"])
        .order_by("pk")
        .values_list("pk", "kind", "province_id")
    ):
        (centre if kind == "extension_centre" else committee).setdefault(province_id, org_id)
    ministry = Organisation.objects.get(code="bo-cong-thuong")
    national_centre = (
        Organisation.objects.filter(kind="national_centre")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )

    # the decisions: KCQG nationally (allocation in December, amendment in July); KCĐP per province
    plain_decisions = models.QuerySet(Decision)  # unaudited: synthetic data
    decisions: list[Decision] = []
    for year in plan_years[:-1]:  # the last year's proposals are still being appraised
        allocated, amended = datetime.date(year - 1, 12, 20), datetime.date(year, 7, 15)
        for kind, day, n in (("allocation", allocated, 1), ("amendment", amended, 2)):
            decisions.append(
                Decision(
                    kind=kind,
                    number=f"{PREFIX}{year}{n:03d}/QĐ-BCT",
                    date=day,
                    signer="Thứ trưởng",
                    issuer=ministry,
                    plan_year=year,
                    source="kcqg",
                    title=f"Kinh phí khuyến công quốc gia năm {year} (dữ liệu mô phỏng)",
                    issued_at=datetime.datetime.combine(day, datetime.time(9), datetime.UTC),
                )
            )
        for unit in old if year < MERGED else new:
            for kind, day, n in (("allocation", allocated, 1), ("amendment", amended, 2)):
                day += datetime.timedelta(days=5)
                decisions.append(
                    Decision(
                        kind=kind,
                        number=f"{PREFIX}{year}{n:03d}/QĐ-UBND-{unit.code}",
                        date=day,
                        signer="Phó Chủ tịch",
                        issuer_id=committee[unit.pk],
                        plan_year=year,
                        source="kcdp",
                        province=unit,
                        title=f"Kinh phí khuyến công địa phương năm {year} (dữ liệu mô phỏng)",
                        issued_at=datetime.datetime.combine(day, datetime.time(9), datetime.UTC),
                    )
                )
    with transaction.atomic():
        plain_decisions.bulk_create(decisions, batch_size=2_000)
    decision_of = {(d.plan_year, d.source, d.province_id, d.kind): d for d in decisions}

    projects = RawTable(
        Project,
        [
            "id",
            "code",
            "plan_year",
            "source",
            "programme",
            "content",
            "kind",
            "name",
            "objectives",
            "description",
            "implementing_org",
            "lead_province",
            "lead_province_now",
            "start_date",
            "end_date",
            "status",
            "submitted_at",
            "late",
            "search_text",
            "version",
        ],
    )
    locations = RawTable(ProjectLocation, ["project", "province", "province_now", "share_bp"])
    lines = RawTable(DecisionLine, ["decision", "project", "action", "amount", "reason", "previous_amount"])
    ledger = RawTable(
        LedgerEntry,
        [
            "movement",
            "project",
            "kind",
            "amount",
            "value_date",
            "plan_year",
            "source",
            "content",
            "province",
            "province_now",
            "organisation",
            "decision",
            "reference",
            "note",
        ],
    )
    planned_table = RawTable(PlannedResult, ["project", "indicator", "target"])
    events_table = RawTable(
        ProjectEvent, ["project", "kind", "at", "on", "from_status", "to_status", "note", "document"]
    )
    reports_table = RawTable(ResultReport, ["project", "indicator", "value", "period_end", "state", "note"])
    statuses: Counter = Counter()
    pending: dict[int, list[tuple]] = defaultdict(list)  # ledger rows by calendar year of their date

    def flush(up_to: int) -> None:
        # entries are written in value-date order, as the application writes them over the years, so
        # that a plan year's entries lie together on disk as they would in production
        for calendar in sorted(y for y in pending if y <= up_to):
            rows = pending.pop(calendar)
            rows.sort(key=itemgetter(4))  # value date
            with transaction.atomic():
                ledger.write(rows)

    n_years = len(plan_years)
    per_year = [count // n_years + (1 if i < count % n_years else 0) for i in range(n_years)]
    next_id = (Project.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1
    for year, n in zip(plan_years, per_year, strict=True):
        provinces = old if year < MERGED else new
        programme = [p for p in programmes if p.start_year <= year][-1]
        weights = {c: w for c, w in CONTENT_WEIGHTS.items() if year >= MERGED or c not in NEW_CONTENTS}
        content_codes, content_weights = list(weights), list(weights.values())
        serial: Counter = Counter()
        project_rows, location_rows, line_rows = [], [], []
        planned_rows, report_rows, event_rows = [], [], []
        for _ in range(n):
            pid, next_id = next_id, next_id + 1
            source = "kcqg" if rng.random() < 0.4 else "kcdp"
            lead = rng.choice(provinces)
            content = rng.choices(content_codes, content_weights)[0]
            sw = status_weights(year, source, today)
            status = rng.choices(list(sw), list(sw.values()))[0]
            statuses[status] += 1
            serial[(source, lead.pk)] += 1
            code = f"{PREFIX}{source.upper()}-{year}-{lead.code}-{serial[(source, lead.pk)]:05d}"
            name = f"{short_names[content]}: {rng.choice(PRODUCTS)} – {lead.name}"
            org = centre.get(lead.pk, national_centre)
            filed = status != "draft"
            project_rows.append(
                (
                    pid,
                    code,
                    year,
                    source,
                    programme.pk,
                    contents[content],
                    "ordinary",
                    name,
                    MARKER,
                    "",
                    org,
                    lead.pk,
                    now_of[lead.pk],
                    datetime.date(year, 3, 1),
                    datetime.date(year, 11, 30),
                    status,
                    datetime.datetime(year - 1, 5, 15, 3, tzinfo=datetime.UTC) if filed else None,
                    False,
                    f"{fold(code)} {fold(name)}"[:500],
                    1,
                )
            )
            if not filed:
                continue
            places = [(lead.pk, 10_000)]
            if rng.random() < 0.1:  # a project spanning two provinces
                other = rng.choice(provinces)
                if other.pk != lead.pk:
                    share = rng.choice([6_000, 7_000])
                    places = [(lead.pk, share), (other.pk, 10_000 - share)]
            for unit, share in places:
                location_rows.append((pid, unit, now_of[unit], share))
            issuer = None if source == "kcqg" else lead.pk
            own = {k: decision_of.get((year, source, issuer, k)) for k in ("allocation", "amendment")}
            moves, decided = movements(rng, year, source, status, own, today)
            for decision, action, amount, previous in decided:
                line_rows.append((decision.pk, pid, action, amount, "", previous))
            shares = [s for _, s in places]
            for kind, amount, day, decision in moves:
                movement = uuid.UUID(int=rng.getrandbits(128), version=4)
                parts = split_amount(amount, shares) if len(shares) > 1 else [amount]
                for (unit, _share), part in zip(places, parts, strict=True):
                    if part:
                        pending[day.year].append(
                            (
                                movement,
                                pid,
                                kind,
                                part,
                                day,
                                year,
                                source,
                                contents[content],
                                unit,
                                now_of[unit],
                                org,
                                decision.pk if decision else None,
                                decision.number if decision else "",
                                "",
                            )
                        )
            for kind, before, after, day in status_events(status, moves):
                at = datetime.datetime.combine(day, datetime.time(10), datetime.UTC)
                event_rows.append((pid, kind, at, day, before, after, "", ""))
            planned, reported = results(rng, year, status, indicators_of[content], today, units)
            planned_rows += [(pid, ind, target) for ind, target in planned]
            report_rows += [(pid, ind, value, end, state, "") for ind, value, end, state in reported]
        with transaction.atomic():
            projects.write(project_rows)
            locations.write(location_rows)
            lines.write(line_rows)
            planned_table.write(planned_rows)
            reports_table.write(report_rows)
            events_table.write(event_rows)
        flush(year - 1)  # later plan years write nothing dated before this year
        if progress:
            progress(
                f"  {year}: {projects.written:,}/{count:,} projects, {ledger.written:,} ledger entries, "
                f"{planned_table.written + reports_table.written:,} indicator values "
                f"({time.perf_counter() - started:.0f} s)"
            )
    flush(9999)
    reset_sequences(Project)
    FACTS_REWRITTEN.results()  # what is derived from the ledger and the results, computed again
    return Generated(
        counts={
            "projects": projects.written,
            "project locations": locations.written,
            "decisions": len(decisions),
            "decision lines": lines.written,
            "ledger entries": ledger.written,
            "planned results": planned_table.written,
            "result reports": reports_table.written,
            "status events": events_table.written,
        },
        statuses=statuses,
        seconds=time.perf_counter() - started,
    )


# --- what the database holds -----------------------------------------------------------------------


def business_records() -> dict[str, int]:
    """The records that are not synthetic (by model), where the generator would mix with them."""
    from khuyencong.establishments.models import Establishment
    from khuyencong.establishments.synthetic import PREFIX as EST_PREFIX
    from khuyencong.projects.models import Decision, Project

    found = {
        "projects": Project.objects.exclude(code__startswith=PREFIX).count(),
        "decisions": Decision.objects.exclude(number__startswith=PREFIX).count(),
        "establishments": Establishment.objects.exclude(registration_number__startswith=EST_PREFIX).count(),
    }
    return {name: n for name, n in found.items() if n}


def synthetic_projects() -> int:
    from khuyencong.projects.models import Project

    return Project.objects.filter(code__startswith=PREFIX).count()


def wipe() -> None:
    """Delete the synthetic projects, decisions and everything hanging from them (the ledger too:
    its entries cannot be deleted through the application, only with the data they belong to).
    With nothing else in the project tables they are emptied at once. What is derived from them
    (the reporting app's summaries) is computed again after."""
    from khuyencong.projects.extensions import FACTS_REWRITTEN

    _wipe()
    FACTS_REWRITTEN.results()


def _wipe() -> None:
    from django.apps import apps
    from django.db import connection, transaction

    from khuyencong.projects.models import Decision, Project

    qn = connection.ops.quote_name
    project = qn(Project._meta.db_table)
    decision = qn(Decision._meta.db_table)
    only_synthetic = (
        not Project.objects.exclude(code__startswith=PREFIX).exists()
        and not Decision.objects.exclude(number__startswith=PREFIX).exists()
    )
    # TRUNCATE at once when nothing else is there – not inside a caller's transaction, where rows
    # written earlier may still have their foreign keys to check (PostgreSQL refuses it then)
    truncate = only_synthetic and connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if truncate:
            # the projects, the decisions and every table that refers to them (not the reference data)
            cursor.execute(f"TRUNCATE {project}, {decision} RESTART IDENTITY CASCADE")
            return
        synthetic = f"SELECT id FROM {project} WHERE code LIKE %s"
        for model in apps.get_app_config("projects").get_models():
            if model in (Project, Decision):
                continue
            fields = {f.name: f for f in model._meta.concrete_fields}
            table = qn(model._meta.db_table)
            if "decision" in fields and fields["decision"].is_relation:
                cursor.execute(
                    f"DELETE FROM {table} WHERE decision_id IN "
                    f"(SELECT id FROM {decision} WHERE number LIKE %s)",
                    [PREFIX + "%"],
                )
            if "project" in fields and fields["project"].is_relation:
                cursor.execute(f"DELETE FROM {table} WHERE project_id IN ({synthetic})", [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {decision} WHERE number LIKE %s", [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {project} WHERE code LIKE %s", [PREFIX + "%"])


__all__ = [
    "MARKER",
    "PREFIX",
    "Generated",
    "business_records",
    "generate_projects",
    "movements",
    "results",
    "status_events",
    "status_weights",
    "synthetic_projects",
    "wipe",
    "years",
]
