"""Schemathesis strategies for the API's own string formats, so generated "valid" data is valid.

``format: uscc`` draws codes with a correct GB 32100-2015 check character; ``format: region`` draws
the codes of the bundled regions file an enterprise can be placed in (the city itself excluded).
Loaded by tests/test_api_fuzz.py and, as a hooks file, by scripts/fuzz_api.py (SCHEMATHESIS_HOOKS).
"""

from __future__ import annotations

import sys
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, also as a hooks file

from kechuang.bootstrap import BUNDLED  # noqa: E402
from kechuang.enterprises.uscc import CHARSET, complete  # noqa: E402
from kechuang.regions.service import read_regions_file  # noqa: E402

REGION_CODES = sorted(r.code for r in read_regions_file(BUNDLED) if r.parent is not None)

USCCS = st.text(alphabet=CHARSET, min_size=17, max_size=17).map(complete)
REGIONS = st.sampled_from(REGION_CODES)


def register() -> None:
    schemathesis.openapi.format("uscc", USCCS)
    schemathesis.openapi.format("region", REGIONS)


register()
