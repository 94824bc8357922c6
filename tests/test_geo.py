"""Coordinates: WGS-84 ↔ GCJ-02, the city's areas (point in polygon, centres, bounds) and placement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.carriers import geo
from kechuang.carriers.geo import Area

DISTRICTS = ("广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市")
NANJING = (118.7969, 32.0603)

# (WGS-84, GCJ-02) pairs computed with the eviltransform formula (Krasovsky a = 6378245.0, ee = 0.006693…).
PAIRS = [
    ((116.397428, 39.90923), (116.403672, 39.910634)),  # Tiananmen, Beijing
    ((119.4215, 32.3932), (119.426971, 32.391315)),  # Yangzhou centre
    ((121.4737, 31.2304), (121.478223, 31.228458)),  # Shanghai
]


@pytest.mark.parametrize(("wgs", "gcj"), PAIRS)
def test_wgs84_to_gcj02_known_pairs(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lng, lat = geo.wgs84_to_gcj02(*wgs)
    assert lng == pytest.approx(gcj[0], abs=1e-5)
    assert lat == pytest.approx(gcj[1], abs=1e-5)


@pytest.mark.parametrize(("wgs", "gcj"), PAIRS)
def test_gcj02_to_wgs84_known_pairs(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lng, lat = geo.gcj02_to_wgs84(*gcj)
    assert lng == pytest.approx(wgs[0], abs=1e-5)
    assert lat == pytest.approx(wgs[1], abs=1e-5)


def test_yangzhou_offset_is_a_few_hundred_metres() -> None:
    lng, lat = geo.wgs84_to_gcj02(119.4215, 32.3932)
    assert 0.004 < lng - 119.4215 < 0.007
    assert -0.003 < lat - 32.3932 < -0.001


@settings(max_examples=300, deadline=None)
@given(
    lng=st.floats(min_value=119.0, max_value=119.8, allow_nan=False),
    lat=st.floats(min_value=32.2, max_value=33.3, allow_nan=False),
)
def test_round_trip_across_the_city(lng: float, lat: float) -> None:
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lng, lat))
    assert abs(back[0] - lng) < 1e-6
    assert abs(back[1] - lat) < 1e-6
    g_lng, g_lat = geo.wgs84_to_gcj02(*geo.gcj02_to_wgs84(lng, lat))
    assert abs(g_lng - lng) < 1e-6
    assert abs(g_lat - lat) < 1e-6


@pytest.mark.parametrize(
    ("lng", "lat"),
    [(2.3522, 48.8566), (-74.006, 40.7128), (139.6917, 35.6895), (0.0, 0.0), (100.0, 60.0), (71.9, 30.0)],
)
def test_out_of_china_unchanged(lng: float, lat: float) -> None:
    assert geo.out_of_china(lng, lat)
    assert geo.wgs84_to_gcj02(lng, lat) == (lng, lat)
    assert geo.gcj02_to_wgs84(lng, lat) == (lng, lat)


def test_in_china_is_shifted() -> None:
    assert not geo.out_of_china(119.4215, 32.3932)
    assert geo.wgs84_to_gcj02(119.4215, 32.3932) != (119.4215, 32.3932)


def test_areas_are_the_six_districts() -> None:
    assert set(geo.areas()) == set(DISTRICTS)


@pytest.mark.parametrize("name", DISTRICTS)
def test_centre_lies_in_its_own_area(name: str) -> None:
    assert geo.locate(*geo.centre(name)) == name


def test_centre_is_the_cp_property() -> None:
    assert geo.centre("邗江区") == (119.397994, 32.377655)


def test_centre_unknown_name() -> None:
    with pytest.raises(KeyError):
        geo.centre("鼓楼区")


def test_bounds() -> None:
    min_lng, min_lat, max_lng, max_lat = geo.bounds()
    assert 118.9 < min_lng < 119.1 < max_lng < 120.0
    assert 32.1 < min_lat < 32.3 < 33.3 < max_lat < 33.5
    for name in DISTRICTS:
        lng, lat = geo.centre(name)
        assert min_lng <= lng <= max_lng and min_lat <= lat <= max_lat


@pytest.mark.parametrize(("lng", "lat"), [NANJING, (120.5853, 31.2989), (119.4, 34.0), (0.0, 0.0)])
def test_outside_the_city(lng: float, lat: float) -> None:
    assert geo.locate(lng, lat) is None


def test_place_outside_the_city() -> None:
    p = geo.place(*NANJING, "WGS-84", None)
    assert p.problem is not None and "不在扬州市范围内" in p.problem
    assert p.problem == "坐标（118.796900, 32.060300）不在扬州市范围内"
    assert p.area is None


def test_place_wgs84_inside() -> None:
    p = geo.place(119.4215, 32.3932, "WGS-84", None)
    assert p == geo.Placement(119.4215, 32.3932, False, geo.locate(119.4215, 32.3932), None)
    assert p.area in DISTRICTS


def test_place_gcj02_converts() -> None:
    lng, lat = 119.4215, 32.3932
    p = geo.place(lng, lat, "GCJ-02", None)
    assert p.problem is None and not p.approximate
    assert p.lng is not None and p.lat is not None
    assert -0.007 < p.lng - lng < -0.004  # GCJ-02 is east of WGS-84 here …
    assert 0.001 < p.lat - lat < 0.003  # … and south
    assert geo.wgs84_to_gcj02(p.lng, p.lat) == pytest.approx((lng, lat), abs=1e-8)
    assert p.area == geo.locate(p.lng, p.lat)


@pytest.mark.parametrize(
    "system", ["WGS-84", "wgs-84", "wgs84", "WGS84", "GCJ-02", "gcj-02", "gcj02", " GCJ02 "]
)
def test_place_accepts_system_spellings(system: str) -> None:
    assert geo.place(119.4215, 32.3932, system, None).problem is None


@pytest.mark.parametrize("system", ["BD-09", "", "EPSG:4326", "wgs"])
def test_place_unknown_system(system: str) -> None:
    p = geo.place(119.4215, 32.3932, system, None)
    assert p.problem == "坐标系应为 WGS-84 或 GCJ-02"


def test_place_another_district_is_not_a_problem() -> None:
    lng, lat = geo.centre("高邮市")
    p = geo.place(lng, lat, "WGS-84", "广陵区")
    assert p.problem is None
    assert p.area == "高邮市"


@pytest.mark.parametrize(("lng", "lat"), [(119.4215, None), (None, 32.3932)])
def test_place_only_one_coordinate(lng: float | None, lat: float | None) -> None:
    p = geo.place(lng, lat, "WGS-84", "邗江区")
    assert p.problem == "经度和纬度应同时填写"
    assert not p.approximate


def test_place_neither_uses_district_centre() -> None:
    p = geo.place(None, None, "WGS-84", "邗江区")
    assert p == geo.Placement(119.397994, 32.377655, True, "邗江区", None)


@pytest.mark.parametrize("district", [None, "", "鼓楼区"])
def test_place_neither_without_known_district(district: str | None) -> None:
    p = geo.place(None, None, "WGS-84", district)
    assert p.problem == "未填写坐标，且所在地区没有可用的中心点"
    assert p.lng is None and p.lat is None


@pytest.mark.parametrize(
    ("lng", "lat", "problem"),
    [
        (200.0, 32.0, "经度应在 -180 到 180 之间"),
        (-180.5, 32.0, "经度应在 -180 到 180 之间"),
        (float("nan"), 32.0, "经度应在 -180 到 180 之间"),
        (119.4, 91.0, "纬度应在 -90 到 90 之间"),
        (119.4, -90.01, "纬度应在 -90 到 90 之间"),
    ],
)
def test_place_out_of_range(lng: float, lat: float, problem: str) -> None:
    assert geo.place(lng, lat, "WGS-84", None).problem == problem


# A 10 × 10 square with a 4 × 4 hole, the hole wound the same way as the outer ring (winding is ignored).
OUTER = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0))
HOLE = ((3.0, 3.0), (7.0, 3.0), (7.0, 7.0), (3.0, 7.0), (3.0, 3.0))
ISLAND = ((4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0))


@pytest.mark.parametrize(
    ("lng", "lat", "inside"),
    [
        (1.0, 1.0, True),
        (9.0, 5.0, True),
        (5.0, 2.0, True),
        (5.0, 5.0, False),  # in the hole
        (3.5, 6.5, False),  # in the hole
        (11.0, 5.0, False),
        (-1.0, 5.0, False),
        (5.0, 11.0, False),
        (1.0, 3.0, True),  # ray through the hole's bottom vertex row
    ],
)
def test_contains_polygon_with_hole(lng: float, lat: float, inside: bool) -> None:
    area = Area("hand", (OUTER, HOLE), (1.0, 1.0))
    assert geo.contains(area, lng, lat) is inside


def test_contains_island_in_hole() -> None:
    area = Area("hand", (OUTER, HOLE, ISLAND), (1.0, 1.0))
    assert geo.contains(area, 5.0, 5.0)  # on the island
    assert not geo.contains(area, 3.5, 3.5)  # in the lake
    assert geo.contains(area, 1.0, 1.0)


def test_contains_triangle_unclosed_ring() -> None:
    area = Area("tri", (((0.0, 0.0), (4.0, 0.0), (0.0, 4.0)),), (1.0, 1.0))
    assert geo.contains(area, 1.0, 1.0)
    assert not geo.contains(area, 3.0, 3.0)


@pytest.mark.parametrize(
    ("ring", "expected"),
    [
        (OUTER, 100.0),
        (tuple(reversed(OUTER)), -100.0),
        (((0.0, 0.0), (4.0, 0.0), (0.0, 4.0)), 8.0),
    ],
)
def test_signed_area(ring: geo.Ring, expected: float) -> None:
    assert geo.signed_area(ring) == pytest.approx(expected)


def test_centroid_with_hole() -> None:
    # The 10 × 10 square minus an off-centre 2 × 2 hole at 6..8 × 4..6, wound clockwise.
    hole = ((6.0, 4.0), (6.0, 6.0), (8.0, 6.0), (8.0, 4.0), (6.0, 4.0))
    cx, cy = geo.centroid([[OUTER, hole]])
    assert cx == pytest.approx((100 * 5 - 4 * 7) / 96)
    assert cy == pytest.approx(5.0)
    assert geo.centroid([[OUTER, HOLE]]) == pytest.approx((5.0, 5.0))


def test_loading_geojson_without_cp(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"name": "甲区"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[list(p) for p in OUTER], [list(p) for p in HOLE]],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "乙区", "cp": [21.0, 1.0]},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [[[20.0, 0.0], [22.0, 0.0], [22.0, 2.0], [20.0, 2.0], [20.0, 0.0]]],
                    [[[30.0, 0.0], [32.0, 0.0], [32.0, 2.0], [30.0, 2.0], [30.0, 0.0]]],
                ],
            },
        },
    ]
    path = tmp_path / "t.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert set(geo.areas(path)) == {"甲区", "乙区"}
    assert geo.centre("甲区", path) == pytest.approx((5.0, 5.0))  # centroid: the hole is symmetric
    assert geo.centre("乙区", path) == (21.0, 1.0)
    assert geo.locate(5.0, 5.0, path) is None  # in 甲区's hole
    assert geo.locate(1.0, 1.0, path) == "甲区"
    assert geo.locate(31.0, 1.0, path) == "乙区"
    assert geo.bounds(path) == (0.0, 0.0, 32.0, 10.0)
    assert geo.place(None, None, "wgs84", "甲区", path) == geo.Placement(5.0, 5.0, True, "甲区", None)
    p = geo.place(5.0, 5.0, "WGS-84", None, path)
    assert p.problem == "坐标（5.000000, 5.000000）不在扬州市范围内"
