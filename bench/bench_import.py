"""Benchmark: import enterprise-year rows from xlsx, end to end with validation, into SQLite and PostgreSQL.

    python -m bench.bench_import [--rows 100000]

Writes the demo city's figures as an .xlsx file of about ROWS rows, imports its enterprises, then
times the figures import (read with fastexcel, validate column-wise with Polars, upsert) and a
second import of the same file (all unchanged). Prints the figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

from kechuang.auth.scope import SYSTEM
from kechuang.db import make_session_factory, transaction
from kechuang.demo.generator import generate
from kechuang.enterprises.columns import DATASETS
from kechuang.enterprises.excel import write_workbook
from kechuang.enterprises.importer import import_file
from kechuang.regions.service import BUNDLED, read_regions_file

from .common import fresh_database, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="enterprise-year rows (default 100000)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    names = {r.code: r.name for r in read_regions_file(BUNDLED) if r.parent is not None}
    started = time.perf_counter()
    city = generate(max(1000, args.rows // 3), seed=7)
    figures = city.figures.head(args.rows).join(city.enterprises.select("uscc", "name"), on="uscc")
    enterprises = city.enterprises.filter(city.enterprises["uscc"].is_in(figures["uscc"].unique().to_list()))
    with tempfile.TemporaryDirectory() as tmp:
        ent_path, fig_path = Path(tmp) / "enterprises.xlsx", Path(tmp) / "figures.xlsx"
        changed_path = Path(tmp) / "figures-changed.xlsx"
        write_workbook(ent_path, DATASETS["enterprises"], enterprises, names)
        write_workbook(fig_path, DATASETS["figures"], figures, names)
        write_workbook(
            changed_path, DATASETS["figures"], figures.with_columns(pl.col("employees") + 1), names
        )
        print(
            f"generated {figures.height:,} enterprise-year rows for {enterprises.height:,} enterprises "
            f"({fig_path.stat().st_size / 1e6:.1f} MB xlsx) in {time.perf_counter() - started:.1f} s"
        )
        for backend in args.backends.split(","):
            with fresh_database(backend) as engine:
                factory = make_session_factory(engine)
                with transaction(factory) as s:
                    import_file(
                        s,
                        actor=SYSTEM,
                        dataset_name="enterprises",
                        content=ent_path.read_bytes(),
                        filename=ent_path.name,
                    )
                runs = [
                    ("first import", fig_path),
                    ("re-import (unchanged)", fig_path),
                    ("re-import (all changed)", changed_path),
                ]
                for label, path in runs:
                    t0 = time.perf_counter()
                    with transaction(factory) as s:
                        r = import_file(
                            s,
                            actor=SYSTEM,
                            dataset_name="figures",
                            content=path.read_bytes(),
                            filename=path.name,
                        )
                    took = time.perf_counter() - t0
                    print(
                        f"{backend:<10} {label:<24} {r.rows:>8,} rows  {took:6.2f} s  "
                        f"{r.rows / took:>9,.0f} rows/s  created {r.created:,} updated {r.updated:,} "
                        f"unchanged {r.unchanged:,}  peak RSS {peak_mb():,.0f} MB"
                    )


if __name__ == "__main__":
    main()
