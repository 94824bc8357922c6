"""Coordinates for carriers and talent apartments: datum conversion, the city's county-level areas and the
placement of an imported point. Pure (no database); the only file read is the vendored GeoJSON.

Coordinate systems
------------------

WGS-84
    The GPS datum (EPSG:4326). kechuang stores every longitude / latitude in WGS-84, and the vendored
    ECharts map data (``web/static/vendor/geojson/yangzhou.geojson``) is treated as WGS-84 too.
GCJ-02
    China's obfuscated "Mars" system (国测局坐标), mandated for published maps; AMap (高德) and Tencent
    maps give and take GCJ-02. It is WGS-84 shifted by a smooth, deliberately irregular offset of a few
    hundred metres (about 0.005° in Yangzhou), and only inside China.

WGS-84 → GCJ-02 (the public "eviltransform" formula), with the Krasovsky 1940 ellipsoid
``a = 6378245.0`` m and ``ee = 0.00669342162296594323`` (first eccentricity squared)::

    x = lng − 105,  y = lat − 35
    dLat = T_lat(x, y),  dLng = T_lng(x, y)                       (see ``_t_lat`` / ``_t_lng``)
    φ = lat·π/180,  m = 1 − ee·sin²φ
    Δlat = dLat·180 / ((a(1 − ee) / m^1.5)·π)                     (meridian radius of curvature)
    Δlng = dLng·180 / ((a / √m)·cos φ·π)                           (prime-vertical radius × cos φ)
    GCJ = (lng + Δlng, lat + Δlat)

Points outside China's bounding box (lng 72.004–137.8347, lat 0.8293–55.8271) are not shifted. The
inverse has no closed form and is found by fixed-point iteration (``gcj02_to_wgs84``).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

A = 6378245.0  # Krasovsky 1940 semi-major axis (m)
EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared
DEFAULT = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "geojson" / "yangzhou.geojson"
INVERSE_TOLERANCE = 1e-9  # degrees
INVERSE_MAX_ITERATIONS = 30

Point = tuple[float, float]
Ring = tuple[Point, ...]

SYSTEMS = {"WGS84": "WGS-84", "GCJ02": "GCJ-02"}
PROBLEM_SYSTEM = "坐标系应为 WGS-84 或 GCJ-02"
PROBLEM_HALF = "经度和纬度应同时填写"
PROBLEM_NO_CENTRE = "未填写坐标，且所在地区没有可用的中心点"
PROBLEM_LNG_RANGE = "经度应在 -180 到 180 之间"
PROBLEM_LAT_RANGE = "纬度应在 -90 到 90 之间"


# --- datum conversion -----------------------------------------------------------------------------------


def out_of_china(lng: float, lat: float) -> bool:
    """True outside the rectangle lng 72.004–137.8347, lat 0.8293–55.8271, where GCJ-02 equals WGS-84."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _t_lat(x: float, y: float) -> float:
    """T_lat(x, y) = −100 + 2x + 3y + 0.2y² + 0.1xy + 0.2√|x|
    + ⅔(20 sin 6πx + 20 sin 2πx) + ⅔(20 sin πy + 40 sin(πy/3)) + ⅔(160 sin(πy/12) + 320 sin(πy/30))."""
    pi = math.pi
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    return ret


def _t_lng(x: float, y: float) -> float:
    """T_lng(x, y) = 300 + x + 2y + 0.1x² + 0.1xy + 0.1√|x|
    + ⅔(20 sin 6πx + 20 sin 2πx) + ⅔(20 sin πx + 40 sin(πx/3)) + ⅔(150 sin(πx/12) + 300 sin(πx/30))."""
    pi = math.pi
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return ret


def _offset(lng: float, lat: float) -> Point:
    """GCJ-02 − WGS-84 at a WGS-84 point inside China:
    ``Δlat = T_lat·180 / ((a(1 − ee) / m^1.5)·π)``, ``Δlng = T_lng·180 / ((a / √m)·cos φ·π)``,
    with ``φ = lat·π/180`` and ``m = 1 − ee·sin²φ``."""
    x, y = lng - 105.0, lat - 35.0
    phi = lat / 180.0 * math.pi
    magic = 1.0 - EE * math.sin(phi) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = _t_lat(x, y) * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = _t_lng(x, y) * 180.0 / (A / sqrt_magic * math.cos(phi) * math.pi)
    return d_lng, d_lat


def wgs84_to_gcj02(lng: float, lat: float) -> Point:
    """WGS-84 → GCJ-02: ``(lng + Δlng, lat + Δlat)`` (see ``_offset``); unchanged outside China."""
    if out_of_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng: float, lat: float) -> Point:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward formula f = ``wgs84_to_gcj02``:

        w₀ = g,   wₖ₊₁ = wₖ − (f(wₖ) − g)

    stopping when both components of ``f(wₖ) − g`` are below 1e-9° (at most 30 steps). The offset varies
    slowly, so the iteration contracts fast; the round trip ``f(result)`` matches ``g`` well within 1e-6°
    (about 0.1 m). Unchanged outside China.
    """
    if out_of_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(INVERSE_MAX_ITERATIONS):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        e_lng, e_lat = g_lng - lng, g_lat - lat
        if abs(e_lng) < INVERSE_TOLERANCE and abs(e_lat) < INVERSE_TOLERANCE:
            break
        w_lng, w_lat = w_lng - e_lng, w_lat - e_lat
    return w_lng, w_lat


# --- areas ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """A county-level area. ``rings`` holds every ring of its polygons: each polygon's outer ring followed
    by its holes (GeoJSON order). ``contains`` applies the even–odd rule over all of them together, so a
    point in a hole is outside, and an island inside a hole is inside again. ``centre`` is a point for
    labels and approximate placement, (lng, lat) in WGS-84."""

    name: str
    rings: tuple[Ring, ...]
    centre: Point


def _ring(raw: list[list[float]]) -> Ring:
    return tuple((float(p[0]), float(p[1])) for p in raw)


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    """A Polygon or MultiPolygon as a list of polygons, each [outer, hole, ...]."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [[_ring(r) for r in coords]]
    if kind == "MultiPolygon":
        return [[_ring(r) for r in poly] for poly in coords]
    raise ValueError(f"unsupported geometry type: {kind!r}")


def signed_area(ring: Ring) -> float:
    """Shoelace formula: ``A = ½ Σ (xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)`` over the ring's edges (closed implicitly);
    positive when counter-clockwise."""
    s = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return s / 2.0


def _ring_moments(ring: Ring) -> tuple[float, float, float]:
    """(A, A·Cx, A·Cy) of a ring with the shoelace centroid
    ``Cx = 1/(6A) Σ (xᵢ + xᵢ₊₁)(xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)``, ``Cy = 1/(6A) Σ (yᵢ + yᵢ₊₁)(xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)``."""
    a = mx = my = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        cross = x0 * y1 - x1 * y0
        a += cross
        mx += (x0 + x1) * cross
        my += (y0 + y1) * cross
    return a / 2.0, mx / 6.0, my / 6.0


def _polygons_moments(polygons: list[list[Ring]]) -> tuple[float, float, float]:
    """Σ (A, A·Cx, A·Cy) over all rings, outer rings counted positive and holes negative whatever their
    winding."""
    total = mx = my = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            a, ax, ay = _ring_moments(ring)
            sign = (1.0 if a >= 0 else -1.0) * (1.0 if index == 0 else -1.0)
            total, mx, my = total + sign * a, mx + sign * ax, my + sign * ay
    return total, mx, my


def centroid(polygons: list[list[Ring]]) -> Point:
    """Area-weighted centroid of polygons with holes: ``C = Σ Aᵢ·Cᵢ / Σ Aᵢ`` over all rings, each ring's
    area and centroid by the shoelace formula (``_ring_moments``), outer rings counted positive and holes
    negative whatever their winding. Falls back to the vertex mean for degenerate (zero-area) input."""
    total, mx, my = _polygons_moments(polygons)
    if total != 0.0:
        return mx / total, my / total
    points = [p for polygon in polygons for ring in polygon for p in ring]
    if not points:
        raise ValueError("empty geometry")
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _area(feature: dict[str, Any]) -> Area:
    props = feature.get("properties") or {}
    polygons = _polygons(feature.get("geometry") or {})
    cp = props.get("cp")
    centre = (float(cp[0]), float(cp[1])) if cp and len(cp) == 2 else centroid(polygons)
    rings = tuple(ring for polygon in polygons for ring in polygon)
    return Area(str(props["name"]), rings, centre)


@functools.cache
def areas(path: Path = DEFAULT) -> dict[str, Area]:
    """The GeoJSON's features as areas keyed by their ``name`` property (read once per path)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    result: dict[str, Area] = {}
    for feature in data.get("features") or []:
        area = _area(feature)
        result[area.name] = area
    return result


def _crossings(ring: Ring, lng: float, lat: float) -> int:
    """Edges of the ring that a ray from (lng, lat) towards +lng crosses."""
    count = 0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        if (y0 > lat) != (y1 > lat) and lng < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            count += 1
    return count


def contains(area: Area, lng: float, lat: float) -> bool:
    """Ray casting, even–odd rule: cast a ray from the point towards +lng and count the edges it crosses,
    over all rings (outer rings and holes alike); the point is inside when the count is odd. An edge
    (x₀, y₀)–(x₁, y₁) counts when ``(y₀ > lat) ≠ (y₁ > lat)`` (half-open in lat, so a vertex on the ray is
    counted once) and ``lng < x₀ + (lat − y₀)(x₁ − x₀)/(y₁ − y₀)``. A point in a hole crosses the outer
    ring and the hole, an even count, so it is outside. Points exactly on an edge may go either way."""
    return sum(_crossings(ring, lng, lat) for ring in area.rings) % 2 == 1


def locate(lng: float, lat: float, path: Path = DEFAULT) -> str | None:
    """Name of the area containing the WGS-84 point, or None outside the city."""
    for name, area in areas(path).items():
        if contains(area, lng, lat):
            return name
    return None


def centre(name: str, path: Path = DEFAULT) -> Point:
    """The area's centre: the feature's ``cp`` label point when present, else its area-weighted centroid
    (``centroid``). Raises KeyError for an unknown name."""
    return areas(path)[name].centre


def bounds(path: Path = DEFAULT) -> tuple[float, float, float, float]:
    """(min lng, min lat, max lng, max lat) over every vertex of every area."""
    points = [p for area in areas(path).values() for ring in area.rings for p in ring]
    lngs = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lngs), min(lats), max(lngs), max(lats)


# --- placement of an imported point ---------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where an imported record goes: WGS-84 (lng, lat), whether it is an area's centre standing in for a
    missing coordinate, the area containing it, and a problem (Chinese, for the import report) when it
    cannot be placed; with a problem, lng / lat echo the input and ``area`` is None."""

    lng: float | None
    lat: float | None
    approximate: bool
    area: str | None
    problem: str | None


def normalise_system(system: str) -> str | None:
    """ "WGS-84" / "GCJ-02", also lower case and without the hyphen ("wgs84", "gcj02"); None otherwise."""
    return SYSTEMS.get(system.strip().upper().replace("-", "")) if isinstance(system, str) else None


def _range_problem(lng: float, lat: float) -> str | None:
    if not -180.0 <= lng <= 180.0:  # also rejects NaN
        return PROBLEM_LNG_RANGE
    if not -90.0 <= lat <= 90.0:
        return PROBLEM_LAT_RANGE
    return None


def _place_point(lng: float, lat: float, system: str, path: Path) -> Placement:
    """A given point: range check, GCJ-02 → WGS-84, then it must lie in one of the city's areas."""
    problem = _range_problem(lng, lat)
    if problem is not None:
        return Placement(lng, lat, False, None, problem)
    w_lng, w_lat = gcj02_to_wgs84(lng, lat) if system == "GCJ-02" else (lng, lat)
    area = locate(w_lng, w_lat, path)
    if area is None:
        return Placement(lng, lat, False, None, f"坐标（{lng:.6f}, {lat:.6f}）不在扬州市范围内")
    return Placement(w_lng, w_lat, False, area, None)


def place(
    lng: float | None, lat: float | None, system: str, district: str | None, path: Path = DEFAULT
) -> Placement:
    """Place an imported record.

    - ``system`` must be WGS-84 or GCJ-02 (see ``normalise_system``), else a problem.
    - Both coordinates: in range (lng −180..180, lat −90..90), GCJ-02 converted to WGS-84, and inside the
      city, else a problem. The area is the one located; a ``district`` naming another area is not a
      problem (functional zones cross county boundaries).
    - Only one coordinate: a problem.
    - Neither: the centre of ``district`` when it names a known area (``approximate=True``), else a problem.
    """
    normalised = normalise_system(system)
    if normalised is None:
        return Placement(lng, lat, False, None, PROBLEM_SYSTEM)
    if lng is not None and lat is not None:
        return _place_point(float(lng), float(lat), normalised, path)
    if lng is not None or lat is not None:
        return Placement(lng, lat, False, None, PROBLEM_HALF)
    name = district.strip() if district else ""
    known = areas(path)
    if name in known:
        c_lng, c_lat = known[name].centre
        return Placement(c_lng, c_lat, True, name, None)
    return Placement(None, None, False, None, PROBLEM_NO_CENTRE)
