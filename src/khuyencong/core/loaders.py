"""Load the system parameters (``core/data/parameters.csv``)."""

from __future__ import annotations

from khuyencong.core.loading import LoadRun
from khuyencong.core.models import SystemParameter


def load_parameters(run: LoadRun) -> None:
    table = run.table("core", "parameters.csv", ["key", "kind", "value", "description"])
    parsed = []
    for row in table.rows():
        kind = row.choice("kind", [k for k, _label in SystemParameter.KINDS])
        value = row.text("value")
        if kind == "int" and value and not value.lstrip("-").isdigit():
            row.error("value", f"“{value}” không phải số nguyên")
        parsed.append(
            (
                row.text("key", max_length=60),
                {"kind": kind, "value": value, "description": row.text("description", max_length=500)},
            )
        )
    run.check(table)
    for key, values in parsed:
        run.upserter.upsert(SystemParameter, {"key": key}, values)
