import json

import pytest
from sqlalchemy import select

from kechuang.errors import InvalidInput
from kechuang.regions.models import Region
from kechuang.regions.service import read_regions_file, region_codes_under


def test_bundled_yangzhou_regions_loaded(db) -> None:  # type: ignore[no-untyped-def]
    names = {r.code: r.name for r in db.scalars(select(Region))}
    assert names["321000"] == "扬州市"
    for code, name in [
        ("321002", "广陵区"),
        ("321003", "邗江区"),
        ("321012", "江都区"),
        ("321023", "宝应县"),
        ("321081", "仪征市"),
        ("321084", "高邮市"),
    ]:
        assert names[code] == name
    zones = {r.name: r.parent_code for r in db.scalars(select(Region).where(Region.kind == "zone"))}
    assert set(zones) == {"扬州经济技术开发区", "扬州国家高新区", "生态科技新城", "蜀冈—瘦西湖风景名胜区"}
    assert region_codes_under(db, "321003") >= {"321003", "32100301", "32100302"}
    assert "321002" not in region_codes_under(db, "321003")
    assert len(region_codes_under(db, "321000")) == len(names)


def test_bad_regions_file_lists_every_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "regions": [
                    {"code": "1", "name": "甲市", "kind": "city", "parent": None},
                    {"code": "1", "name": "", "kind": "planet", "parent": "9"},
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as info:
        read_regions_file(path)
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["code", "kind", "name", "parent"]
    assert all(p.file == "bad.json" and p.row == 2 for p in info.value.problems)
