"""``khuyencong generate-demo --scale N --seed S``: a synthetic national dataset for trying the
screens and the benchmarks at scale (:mod:`khuyencong.projects.synthetic`).

Scale N: N × 1,000 projects (about N × 10,000 ledger entries and N × 16,000 indicator values) and
N × 2,000 establishments; ``--scale 300`` is the national benchmark (300,000 projects, ≈3 M ledger
entries, ≈5 M indicator values). The same seed and the same ``--today`` give the same data.

Refused on a database holding records that are not synthetic (the generated ones are marked
``SYN-``), unless ``--force``; refused under the production profile. A new run replaces the
synthetic records of an earlier one.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PROJECTS_PER_SCALE = 1_000
ESTABLISHMENTS_PER_SCALE = 2_000


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--today: ngày không hợp lệ {text!r} (viết YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Generate a synthetic national dataset: N × 1,000 projects with their decisions, ledger and "
        "indicator values (2014 to next year, 63 provinces until 2025, 34 after) and N × 2,000 "
        "establishments, deterministic for a seed; every record marked SYN-."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1, help="N: N × 1,000 projects (default 1).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--today", type=_date, default=None, help="The dataset's “today” (YYYY-MM-DD; default today)."
        )
        parser.add_argument("--projects", type=int, default=None, help="Exact number of projects.")
        parser.add_argument(
            "--establishments", type=int, default=None, help="Exact number of establishments."
        )
        parser.add_argument(
            "--force", action="store_true", help="Write even though the database holds non-synthetic records."
        )

    def handle(self, *args, scale, seed, today, projects, establishments, force, verbosity=1, **options):
        from django.db import transaction
        from django.utils import timezone

        from khuyencong.core.bulk import analyse
        from khuyencong.establishments import synthetic as est_synthetic
        from khuyencong.geo.models import AdministrativeUnit
        from khuyencong.projects import synthetic

        if settings.PRODUCTION:
            raise CommandError(
                "Không sinh dữ liệu mô phỏng trên hệ thống chính thức (KC_PROFILE=production)."
            )
        if scale <= 0:
            raise CommandError("--scale: phải lớn hơn 0.")
        n_projects = projects if projects is not None else round(scale * PROJECTS_PER_SCALE)
        n_establishments = (
            establishments if establishments is not None else round(scale * ESTABLISHMENTS_PER_SCALE)
        )
        if n_projects < 0 or n_establishments < 0:
            raise CommandError("--projects, --establishments: không được âm.")
        if not AdministrativeUnit.objects.exists():
            raise CommandError("Chưa có dữ liệu danh mục: chạy “khuyencong load-reference” trước.")
        real = synthetic.business_records()
        if real and not force:
            found = ", ".join(f"{n:,} {name}" for name, n in real.items())
            raise CommandError(
                f"Cơ sở dữ liệu đang có dữ liệu không phải mô phỏng ({found}); không trộn dữ liệu mô phỏng "
                "vào. Dùng một cơ sở dữ liệu riêng, hoặc thêm --force nếu thật sự muốn."
            )
        today = today or timezone.localdate()

        def say(text: str) -> None:
            if verbosity:
                self.stdout.write(text)
                self.stdout.flush()

        started = time.perf_counter()
        say("removing the synthetic records of an earlier run")
        synthetic.wipe()
        est_synthetic.wipe()
        say(f"generating {n_projects:,} projects (seed {seed}, today {today:%d/%m/%Y})")
        generated = synthetic.generate_projects(n_projects, seed, today, progress=say)
        say(f"generating {n_establishments:,} establishments")
        est_started = time.perf_counter()
        with transaction.atomic():
            est_synthetic.generate_establishments(n_establishments, seed, progress=say)
        est_seconds = time.perf_counter() - est_started
        analysed = time.perf_counter()
        analyse()
        say(
            ", ".join(f"{n:,} {name}" for name, n in generated.counts.items())
            + f", {n_establishments:,} establishments"
        )
        say(
            f"projects in {generated.seconds:.1f} s, establishments in {est_seconds:.1f} s, "
            f"statistics in {time.perf_counter() - analysed:.1f} s; "
            f"total {time.perf_counter() - started:.1f} s"
        )
