"""API shapes for carriers, tenants, the next-level list, talent counts, apartments and map views."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kechuang.carriers.models import Carrier
from kechuang.choices import CarrierKind, CarrierLevel, TalentProgramme, TalentStatus, TenantStatus
from kechuang.talent.models import Apartment

Lng = Annotated[float, Field(ge=-180, le=180, description="经度")]
Lat = Annotated[float, Field(ge=-90, le=90, description="纬度")]
System = Annotated[
    str,
    Field(
        pattern="^(WGS-84|GCJ-02)$",
        description="坐标系：WGS-84（GPS、天地图）或 GCJ-02（高德、腾讯，换算为 WGS-84）",
    ),
]
Region = Annotated[str, Field(pattern="^[0-9]{6,12}$", description="地区代码")]


class CarrierIn(BaseModel):
    """A carrier. Without coordinates it is placed at its district's centre and marked approximate;
    coordinates outside the city are refused."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "邗江智能制造科技企业孵化器",
                    "kind": "incubator",
                    "level": "provincial",
                    "region_code": "321003",
                    "recognised_year": 2021,
                    "recognition_document": "江苏省科技厅 省级认定通知",
                    "lng": 119.3981,
                    "lat": 32.3772,
                    "system": "WGS-84",
                    "area_m2": 15000,
                    "opened_on": "2018-05-01",
                    "legal_person": True,
                    "node_codes": [],
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    kind: CarrierKind
    level: CarrierLevel
    region_code: Region
    recognised_year: int | None = Field(None, ge=1980, le=2100)
    recognition_document: str = Field("", max_length=255)
    operator_enterprise_id: int | None = Field(None, ge=1, le=2**31 - 1)
    operator_name: str = Field("", max_length=200)
    address: str = Field("", max_length=255)
    lng: Lng | None = None
    lat: Lat | None = None
    system: System = "WGS-84"
    area_m2: float | None = Field(None, ge=0, le=1e8)
    opened_on: dt.date | None = None
    legal_person: bool | None = None
    node_codes: list[Annotated[str, Field(max_length=128)]] = Field(default_factory=list, max_length=20)


class CarrierOut(BaseModel):
    id: int
    name: str
    kind: str
    level: str
    region_code: str
    recognised_year: int | None
    recognition_document: str
    operator_enterprise_id: int | None
    operator_name: str
    address: str
    lng: float
    lat: float
    approximate: bool = Field(description="true: placed at its district's centre")
    area_m2: float | None
    opened_on: dt.date | None
    legal_person: bool | None
    node_codes: list[str]
    tenants: int = Field(description="在孵企业数 today, computed from the tenants")
    graduates: int = Field(description="累计毕业企业数, computed from the tenants")
    source: str

    @classmethod
    def of(cls, c: Carrier, counts: tuple[int, int]) -> CarrierOut:
        keys = [k for k in cls.model_fields if k not in ("node_codes", "tenants", "graduates")]
        return cls(
            **{k: getattr(c, k) for k in keys},
            node_codes=[n for n in c.node_codes.split("|") if n],
            tenants=counts[0],
            graduates=counts[1],
        )


class CarrierList(BaseModel):
    total: int
    items: list[CarrierOut]


class CarrierDetail(CarrierOut):
    evaluation: dict[str, Any] | None = Field(description="an incubator's result against national level")


class TenantIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"enterprise_id": 1, "status": "incubating", "entered_on": "2024-03-01"}]
        },
    )

    enterprise_id: int = Field(ge=1, le=2**31 - 1, description="a registry enterprise")
    status: TenantStatus = TenantStatus.incubating
    entered_on: dt.date
    graduated_on: dt.date | None = None
    left_on: dt.date | None = None


class TenantOut(BaseModel):
    enterprise_id: int
    enterprise_name: str
    status: str
    entered_on: dt.date
    graduated_on: dt.date | None
    left_on: dt.date | None


class NextLevelOut(BaseModel):
    carrier_id: int
    name: str
    level: str
    region_code: str
    tenants: int
    graduates: int
    failing: int = Field(description="criteria not met")
    shortfall: float
    gaps: list[str]
    rule: dict[str, Any]


class TalentIn(BaseModel):
    """A person in a talent programme, hosted by a registry enterprise or a carrier (or a named unit
    with a region)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "王晨",
                    "programme": "lvyang_jinfeng",
                    "year": 2025,
                    "host_enterprise_id": 1,
                    "speciality": "新能源材料",
                    "status": "active",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=64)
    programme: TalentProgramme
    year: int = Field(ge=2000, le=2100)
    host_enterprise_id: int | None = Field(None, ge=1, le=2**31 - 1)
    host_carrier_id: int | None = Field(None, ge=1, le=2**31 - 1)
    host_name: str = Field("", max_length=200)
    region_code: Region | None = None
    node_code: str = Field("", max_length=128)
    speciality: str = Field("", max_length=200)
    status: TalentStatus = TalentStatus.active


class TalentOut(BaseModel):
    id: int
    name: str
    programme: str
    year: int
    level: str
    host_name: str
    host_enterprise_id: int | None
    host_carrier_id: int | None
    region_code: str
    node_id: int | None
    speciality: str
    status: str


class TalentCount(BaseModel):
    region_code: str = Field(description="the district (a park's people count in its district)")
    programme: str
    people: int


class TalentSummary(BaseModel):
    counts: list[TalentCount]
    names_visible: bool = Field(description="false: the caller sees counts only")
    people: list[TalentOut] = Field(description="empty unless the caller may see names")


class ApartmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "邗江人才公寓一期",
                    "region_code": "321003",
                    "units": 300,
                    "occupied": 240,
                    "lng": 119.40,
                    "lat": 32.40,
                    "system": "GCJ-02",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    region_code: Region
    units: int = Field(ge=1, le=1_000_000)
    occupied: int = Field(0, ge=0, le=1_000_000)
    address: str = Field("", max_length=255)
    operator: str = Field("", max_length=200)
    lng: Lng | None = None
    lat: Lat | None = None
    system: System = "WGS-84"


class ApartmentOut(BaseModel):
    id: int
    name: str
    region_code: str
    address: str
    lng: float
    lat: float
    approximate: bool
    units: int
    occupied: int
    operator: str

    @classmethod
    def of(cls, a: Apartment) -> ApartmentOut:
        return cls(**{k: getattr(a, k) for k in cls.model_fields})


class MapArea(BaseModel):
    code: str
    name: str
    value: float | None
    display: str


class MapSeries(BaseModel):
    key: str
    label: str
    colour: str
    points: list[dict[str, Any]]


class MapView(BaseModel):
    """What a map shows: the areas with their shading measure and the points by category."""

    kind: str
    measure: dict[str, str]
    areas: list[MapArea]
    series: list[MapSeries]
    note: str = ""
