"""Innovation points (企业创新积分制): the methodology as data and the pure scoring pipeline."""

from kechuang.points.catalogue import DEFAULT, Indicator, Methodology, StageRule
from kechuang.points.core import PointsResult, compute_points

__all__ = ["DEFAULT", "Indicator", "Methodology", "PointsResult", "StageRule", "compute_points"]
