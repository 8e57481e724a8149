"""Benchmark suite: dispo beside a plain DuckDB query of the same aggregate, at every size of `dispo synth`.

    .venv/bin/python bench/suite.py --size demo --size large [--size national] [--size national-split]
        [--step forecast-files …] [--repeat 3] [--work /tmp/dispo-bench] [--postgres-url URL] [--out FILE]

Generates each world once under --work (see bench/worlds.py) and keeps it. Then, per size and step (see
bench/steps.py), runs dispo's side and the reference side each in a fresh child process: the child prepares its
inputs (untimed), runs the work --repeat times and reports the median; the parent reads the child's peak
resident memory from the operating system (`os.wait4`), so each figure has its own peak. The ratio dispo /
reference, measured in the same run on the same machine, is the figure that carries over to other machines.

The database steps run at the sizes of --database-size (default demo and large): a national import writes 24 M
payment rows and takes five minutes per database, so it runs only when asked (--database-size national). SQLite lives in
the world's folder, PostgreSQL in the database of --postgres-url (dropped and created again: give it one of its
own; default $DISPO_BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/dispo_suite).

Prints, and writes to --out (default WORK/results.md): the machine, a table per size and step (seconds, peak
MiB, the reference's, the ratio), the scaling table (each step at consecutive sizes: growth of time against
growth of rows), and the DESIGN.md §7 targets met or not.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import steps as suite_steps
import worlds

SRC = Path(__file__).resolve().parent.parent / "src"
TARGETS: dict[tuple[str, str], tuple[float, float | None, str]] = {
    ("large", "forecast-files"): (1.0, None, "large municipality: forecast under 1 s (from CSV)"),
    ("large", "forecast-sqlite"): (1.0, None, "large municipality: forecast under 1 s (from SQLite)"),
    ("large", "forecast-postgresql"): (1.0, None, "large municipality: forecast under 1 s (from PostgreSQL)"),
    ("national", "forecast-files"): (30.0, 8192.0, "98 municipalities: under 30 s and 8 GiB (from CSV)"),
    ("national", "forecast-sqlite"): (30.0, 8192.0, "98 municipalities: under 30 s and 8 GiB (from SQLite)"),
    ("national", "forecast-postgresql"): (30.0, 8192.0, "98 municipalities: under 30 s and 8 GiB (from PostgreSQL)"),
    ("national-split", "forecast-files"): (30.0, 8192.0, "98 municipalities, 48 M payments: under 30 s and 8 GiB"),
}
"""DESIGN.md §7 per (size, step): seconds, peak MiB (None: no memory target), what it says."""
HEADER = "| size | step | rows | seconds | CPU s | peak MiB | reference s | reference MiB | ratio | reference result |"
RULE = "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"


@dataclass(frozen=True)
class Figure:
    """One side of one step at one size: the median seconds (wall clock, and CPU time of the child's threads),
    the child's peak memory, its result's rows."""

    seconds: float
    cpu: float
    peak_mib: float
    result: list[dict[str, object]] | None


@dataclass(frozen=True)
class Row:
    size: str
    step: suite_steps.Step
    rows: int
    dispo: Figure
    reference: Figure
    check: str


def child(args: argparse.Namespace) -> None:
    """Run one side of one step in this process and print its figures as JSON."""
    step = suite_steps.STEPS[args.child]
    if step.database:
        import django

        django.setup()
    prepare = step.dispo if args.side == "dispo" else step.reference
    work, reset = prepare(args.work, args.size[0])
    seconds, cpu, result = [], [], None
    for _ in range(args.repeat):
        reset()
        started, used = time.perf_counter(), time.process_time()
        result = work()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    figures = {"seconds": statistics.median(seconds), "cpu": statistics.median(cpu), "result": _small(result)}
    print(json.dumps(figures, default=str))


def _small(result: object) -> list[dict[str, object]] | None:
    """A result table small enough to compare (the matrices and summaries), else nothing."""
    import polars as pl

    if isinstance(result, pl.DataFrame) and result.height <= 10_000:
        return result.to_dicts()
    return None


def prepare(size: str, args: argparse.Namespace) -> None:
    """Generate the world and its Parquet copy in a child process. The parent must stay small: a child's peak
    memory as the kernel reports it starts from the parent's at the moment it was started."""
    command = [sys.executable, "-c", f"import worlds; worlds.parquet({str(args.work)!r}, {size!r})"]
    subprocess.run(command, env=_environment(), cwd=Path(__file__).parent, check=True)


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}


def measure(step: suite_steps.Step, side: str, size: str, args: argparse.Namespace) -> Figure:
    """One side of a step in a fresh child process; its peak resident memory from the operating system."""
    env = _environment() | {"DJANGO_SETTINGS_MODULE": "dispo.web.settings", "DISPO_VAR_DIR": str(args.work / "var")}
    if step.database == "sqlite":
        env["DISPO_DATABASE_URL"] = f"sqlite:///{args.work / f'{size}-{worlds.SEED}' / 'dispo.sqlite3'}"
    elif step.database == "postgresql":
        env["DISPO_DATABASE_URL"] = args.postgres_url
    command = [sys.executable, __file__, "--child", step.name, "--side", side, "--size", size]
    command += ["--repeat", str(args.repeat), "--work", str(args.work)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{step.name} ({side}, {size}) failed with exit code {process.returncode}")
    figures = json.loads(output.decode().strip().splitlines()[-1])
    return Figure(figures["seconds"], figures["cpu"], usage.ru_maxrss / 1024, figures["result"])


def compare(step: suite_steps.Step, dispo: Figure, reference: Figure) -> str:
    """'equal' when the reference computes the same table as dispo (within 1e-6 kr.), else what differs; empty
    for references that compute less than dispo does."""
    if "checked equal" not in step.reference_label or dispo.result is None or reference.result is None:
        return ""
    import polars as pl
    from polars.testing import assert_frame_equal

    mine = pl.DataFrame(dispo.result)
    theirs = pl.DataFrame(reference.result).select(mine.columns)
    try:
        assert_frame_equal(mine, theirs, check_dtypes=False, check_exact=False, rel_tol=1e-9, abs_tol=1e-6)
    except AssertionError as difference:
        return f"DIFFERENT: {str(difference).splitlines()[0]}"
    return "equal"


def run(args: argparse.Namespace) -> list[Row]:
    results = []
    for size in args.size:
        counts = worlds.rows(args.work, size)
        for name in args.step:
            step = suite_steps.STEPS[name]
            if step.database and size not in args.database_size:
                continue
            dispo = measure(step, "dispo", size, args)
            reference = measure(step, "reference", size, args)
            row = Row(size, step, sum(counts[t] for t in step.grows_with), dispo, reference, "")
            row = Row(size, step, row.rows, dispo, reference, compare(step, dispo, reference))
            print(_line(row), flush=True)
            results.append(row)
    return results


def _line(row: Row) -> str:
    ratio = row.dispo.seconds / row.reference.seconds
    return (
        f"| {row.size} | {row.step.name} | {row.rows:,} | {row.dispo.seconds:.3f} | {row.dispo.cpu:.2f} | "
        f"{row.dispo.peak_mib:,.0f} | {row.reference.seconds:.3f} | {row.reference.peak_mib:,.0f} | {ratio:.2f} | "
        f"{row.check} |"
    )


def tables(results: list[Row], args: argparse.Namespace, started: float) -> str:
    """The whole report as Markdown."""
    parts = [machine(args, started), "", *_results(results), "", *_scaling(results), "", *_targets(results)]
    parts += ["", "Steps and references:", ""]
    parts += [f"- `{s.name}`: {s.label}; reference: {s.reference_label}." for s in suite_steps.STEPS.values()]
    return "\n".join(parts)


def _results(results: list[Row]) -> list[str]:
    return [
        HEADER,
        RULE,
        *(_line(row) for row in results),
    ]


def _scaling(results: list[Row]) -> list[str]:
    """Each step at consecutive sizes: rows ×, seconds ×, and seconds × / rows × (1.00 is linear growth); the
    same for CPU seconds, which depend less on what else the machine is doing."""
    lines = [
        "| step | from → to | rows × | seconds × | per row × | CPU s × | CPU per row × | reference seconds × |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    by_step: dict[str, list[Row]] = {}
    for row in results:
        by_step.setdefault(row.step.name, []).append(row)
    for name, rows in by_step.items():
        for small, big in itertools.pairwise(rows):
            growth, slower = big.rows / small.rows, big.dispo.seconds / small.dispo.seconds
            cpu = big.dispo.cpu / max(small.dispo.cpu, 1e-3)
            reference = big.reference.seconds / small.reference.seconds
            lines.append(
                f"| {name} | {small.size} → {big.size} | {growth:.1f} | {slower:.1f} | {slower / growth:.2f} | "
                f"{cpu:.1f} | {cpu / growth:.2f} | {reference:.1f} |"
            )
    return lines


def _targets(results: list[Row]) -> list[str]:
    lines = ["| DESIGN.md §7 | measured | met |", "| --- | --- | --- |"]
    for row in results:
        target = TARGETS.get((row.size, row.step.name))
        if target is None:
            continue
        seconds, mib, what = target
        met = row.dispo.seconds < seconds and (mib is None or row.dispo.peak_mib < mib)
        measured = f"{row.dispo.seconds:.2f} s, {row.dispo.peak_mib:,.0f} MiB"
        lines.append(f"| {what} | {measured} | {'yes' if met else 'NO'} |")
    return lines


def machine(args: argparse.Namespace, started: float) -> str:
    """Where and when: processor, cores, memory, versions, and the load average before and after the run."""
    import duckdb
    import polars

    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or platform.machine(),
    )
    memory = next((line.split()[1] for line in _read("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return (
        f"{date.today()}: {cpu}, {os.cpu_count()} cores, {int(memory) / 2**20:.0f} GiB; "
        f"Python {platform.python_version()}, Polars {polars.__version__}, DuckDB {duckdb.__version__}"
        f"{_postgres_version(args)}; median of {args.repeat}; load average {started:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _postgres_version(args: argparse.Namespace) -> str:
    if not any(suite_steps.STEPS[s].database == "postgresql" for s in args.step):
        return ""
    import psycopg

    with psycopg.connect(args.postgres_url.rsplit("/", 1)[0] + "/postgres") as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return f", PostgreSQL {row[0].split()[0] if row else '?'}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", action="append", choices=worlds.SIZES, help="demo, large (default: both)")
    parser.add_argument("--step", action="append", choices=list(suite_steps.STEPS), help="default: every step")
    parser.add_argument("--database-size", action="append", help="sizes for the database steps (demo, large)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dispo-bench"))
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DISPO_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/dispo_suite"),
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", choices=list(suite_steps.STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=["dispo", "reference"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.size = args.size or ["demo", "large"]
    args.step = args.step or list(suite_steps.STEPS)
    args.database_size = args.database_size or ["demo", "large"]
    args.work = args.work.resolve()
    return args


def main() -> None:
    args = arguments()
    if args.child:
        child(args)
        return
    started = os.getloadavg()[0]
    for size in args.size:
        prepare(size, args)
    print(HEADER + "\n" + RULE)
    results = run(args)
    report = tables(results, args, started)
    print("\n" + report)
    out = args.out or args.work / "results.md"
    out.write_text(report + "\n")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
