"""Load test: 20 controllers at once on the demo municipality's follow-up table and a paragraph page.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 30] [--max-requests 20000] [--threshold-ms 300]
        [--database sqlite|postgresql|both]

DESIGN.md §7: a dashboard page on the demo municipality under 300 ms at the 95th percentile with 20 concurrent
users. The script
1. creates the demo municipality (`dispo demo --no-serve`) in a fresh temporary DISPO_VAR_DIR: in SQLite there,
   or with `--database postgresql` in a new PostgreSQL database `dispo_load_<pid>` on `--postgres-server`
   (dropped at the end); `--database both` measures SQLite, then PostgreSQL, and prints the two side by side,
2. serves it with waitress, a multi-threaded production WSGI server, on 127.0.0.1 only
   (`--server gunicorn` with `--workers`, or Django's threaded `runserver`, instead),
3. times the first request of each page alone (the cold cache after start-up), then
4. logs in `--clients` threads as the controller, each with its own cookie jar, which request the follow-up
   table and the § 108 paragraph page in turn — back to back, or `--think-ms` apart — until `--seconds` have
   passed or `--max-requests` are done,
5. prints count, errors, median, 95th percentile and max latency per page and in all, the server's CPU time
   per request, and exits 1 if the 95th percentile exceeds `--threshold-ms` or any request failed.
`--settings` serves with another settings module (on PYTHONPATH), to measure a proposed change before making it;
`--database-url` serves from an existing empty database instead.
Traffic goes to the loopback address only; the server is stopped and the temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
USERNAME, PASSWORD = "controller", "demo-controller"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PARAGRAPH_LINK = re.compile(r'href="(/paragraf/SEL108/[^"]*)"')


@dataclass
class Timings:
    """Latencies in seconds per page, and failures, shared by the client threads."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, limit: int) -> bool:
        """Reserve one request of the bounded total; False once `limit` are taken."""
        with self.lock:
            if self.started >= limit:
                return False
            self.started += 1
            return True

    def add(self, page: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.seconds.setdefault(page, []).append(seconds)
            if error:
                self.errors.setdefault(page, []).append(error)


class Client:
    """One user: a cookie jar and a login, requests by urllib to the loopback server only."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode()

    def log_in(self) -> None:
        """Log in through the login page, landing on the login page again rather than on a measured page, so
        that the first measured request is still the cold one."""
        _, _, page = self.get("/login/")
        token = _CSRF.search(page)
        if token is None:
            raise RuntimeError("the login page has no CSRF token")
        form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1), "next": "/login/"}
        request = urllib.request.Request(self.base + "/login/", data=urllib.parse.urlencode(form).encode())
        with self.opener.open(request, timeout=60):
            pass
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            raise RuntimeError("the controller could not log in")

    def timed(self, path: str) -> tuple[float, str | None]:
        start = time.perf_counter()
        try:
            status, url, _ = self.get(path)
            error = None if status == 200 and "/login/" not in url else f"{status} {url}"
        except (urllib.error.URLError, OSError) as problem:
            error = str(problem)
        return time.perf_counter() - start, error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_command(kind: str, port: int, threads: int, workers: int) -> list[str]:
    if kind == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "dispo.web.wsgi:application",
        ]
    if kind == "waitress":
        return [
            sys.executable,
            "-m",
            "waitress",
            f"--listen={HOST}:{port}",
            f"--threads={threads}",
            "dispo.web.wsgi:application",
        ]
    return [sys.executable, "-m", "django", "runserver", f"{HOST}:{port}", "--noreload", "--skip-checks"]


@contextmanager
def demo_server(
    kind: str, threads: int, workers: int, database_url: str | None, settings: str
) -> Iterator[tuple[str, int]]:
    """The demo municipality served on a free loopback port (its address and the server's process id);
    stopped and removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="dispo-load-"))
    env = {k: v for k, v in os.environ.items() if k != "DISPO_DATABASE_URL"}
    env |= {"DISPO_VAR_DIR": str(folder), "DJANGO_SETTINGS_MODULE": settings, "DISPO_DEMO": "1"}
    if database_url:
        env["DISPO_DATABASE_URL"] = database_url
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dispo.cli.main", "demo", "--no-serve"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    print(f"demo municipality created in {time.perf_counter() - started:.1f} s")
    port = free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        server_command(kind, port, threads, workers), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base, server)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) a process and its direct children (gunicorn's workers) have used, from
    /proc on Linux; None elsewhere.

    The server's CPU time per request is the figure that holds when other work shares the machine: latency under
    contention says as much about the neighbours as about dispo."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) or 0.0 for child in children)


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {seconds:.0f} s")


def work(client: Client, pages: dict[str, str], timings: Timings, deadline: float, limit: int, think: float) -> None:
    """Request the pages in turn, `think` seconds apart, until the time is up or the total is reached."""
    names = list(pages)
    n = 0
    while time.monotonic() < deadline and timings.claim(limit):
        name = names[n % len(names)]
        seconds, error = client.timed(pages[name])
        timings.add(name, seconds, error)
        n += 1
        time.sleep(think)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def report(timings: Timings, elapsed: float, cold: dict[str, float]) -> tuple[str, float]:
    """The result table (milliseconds) and the 95th percentile of all requests."""
    lines = [
        "| page | requests | errors | median ms | p95 ms | max ms | first request ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    everything: list[float] = []
    for name, values in timings.seconds.items():
        everything += values
        lines.append(_row(name, values, len(timings.errors.get(name, [])), cold.get(name)))
    errors = sum(len(e) for e in timings.errors.values())
    lines.append(_row("all", everything, errors, None))
    lines.append(f"\n{len(everything)} requests in {elapsed:.1f} s: {len(everything) / elapsed:.1f} requests/s")
    return "\n".join(lines), percentile(everything, 0.95)


def _row(name: str, values: list[float], errors: int, cold: float | None) -> str:
    ms = [v * 1000 for v in values]
    first = f"{cold * 1000:.0f}" if cold is not None else ""
    return (
        f"| {name} | {len(ms)} | {errors} | {statistics.median(ms):.0f} | {percentile(ms, 0.95):.0f} | "
        f"{max(ms):.0f} | {first} |"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--threshold-ms", type=float, default=300)
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0,
        help="pause of each client between its requests (0: back to back, the hardest case)",
    )
    parser.add_argument("--server", choices=["waitress", "gunicorn", "runserver"], default="waitress")
    parser.add_argument("--threads", type=int, default=8, help="the server's threads (per worker process)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (gunicorn only)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--postgres-server",
        default=os.environ.get("DISPO_BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server (without a database name) for --database postgresql",
    )
    parser.add_argument("--database-url", help="serve from this existing, empty database instead")
    parser.add_argument(
        "--settings",
        default="dispo.web.settings",
        help="the Django settings module (on PYTHONPATH), to measure a proposed change of settings",
    )
    return parser.parse_args()


def pages_to_load(base: str) -> tuple[dict[str, str], dict[str, float]]:
    """The two pages (the § 108 link as the follow-up table gives it) and the time of each one's first request."""
    first = Client(base)
    first.log_in()
    started = time.perf_counter()
    _, _, followup = first.get("/")
    cold = {"follow-up /": time.perf_counter() - started}
    paragraph = _PARAGRAPH_LINK.search(followup)
    if paragraph is None:
        raise RuntimeError("the follow-up table has no link to § 108")
    pages = {"follow-up /": "/", "§ 108 /paragraf/SEL108/": html.unescape(paragraph.group(1))}
    cold["§ 108 /paragraf/SEL108/"] = first.timed(pages["§ 108 /paragraf/SEL108/"])[0]
    return pages, cold


def load(base: str, pages: dict[str, str], args: argparse.Namespace) -> tuple[Timings, float]:
    """All clients logged in first, then set loose together; the timings and the seconds it took."""
    clients = [Client(base) for _ in range(args.clients)]
    for client in clients:
        client.log_in()
    timings = Timings()
    started = time.monotonic()
    work_args = (pages, timings, started + args.seconds, args.max_requests, args.think_ms / 1000)
    threads = [threading.Thread(target=work, args=(client, *work_args)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.monotonic() - started


def server_label(args: argparse.Namespace) -> str:
    if args.server == "gunicorn":
        return f"gunicorn ({args.workers} workers × {args.threads} threads)"
    return f"waitress ({args.threads} threads)" if args.server == "waitress" else "runserver"


@contextmanager
def temporary_postgres(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database of this run on `server`, dropped on exit."""
    import psycopg

    name = f"dispo_load_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def measure(args: argparse.Namespace, database_url: str | None) -> tuple[float, bool]:
    """One load test against the demo served from `database_url` (None: a temporary SQLite file); prints its
    table and returns the 95th percentile in seconds and whether it passed."""
    with demo_server(args.server, args.threads, args.workers, database_url, args.settings) as (base, pid):
        pages, cold = pages_to_load(base)
        cpu_before = cpu_seconds(pid)
        timings, elapsed = load(base, pages, args)
        cpu_after = cpu_seconds(pid)
    table, p95 = report(timings, elapsed, cold)
    print(f"\n{args.clients} clients, think time {args.think_ms:.0f} ms, {server_label(args)}, {args.seconds:.0f} s\n")
    print(table)
    if cpu_before is not None and cpu_after is not None:
        requests = sum(len(v) for v in timings.seconds.values())
        print(f"server CPU: {(cpu_after - cpu_before) * 1000 / requests:.1f} ms per request")
    print(f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, problems in timings.errors.items():
        print(f"{name}: {len(problems)} errors, e.g. {problems[0]}")
    verdict = p95 * 1000 <= args.threshold_ms and not timings.errors
    print(f"\np95 {p95 * 1000:.0f} ms against {args.threshold_ms:.0f} ms: {'passed' if verdict else 'FAILED'}")
    return p95, verdict


def main() -> int:
    args = arguments()
    machine = platform.processor() or platform.machine()
    print(f"{platform.node()}: {os.cpu_count()} cores, {machine}, Python {platform.python_version()}")
    if args.database_url:
        return 0 if measure(args, args.database_url)[1] else 1
    results: dict[str, tuple[float, bool]] = {}
    for database in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        print(f"\n## {database}")
        if database == "sqlite":
            results[database] = measure(args, None)
            continue
        with temporary_postgres(args.postgres_server) as url:
            results[database] = measure(args, url)
    if len(results) > 1:
        print("\n| database | p95 ms | passed |\n| --- | ---: | --- |")
        for database, (p95, passed) in results.items():
            print(f"| {database} | {p95 * 1000:.0f} | {'yes' if passed else 'NO'} |")
    return 0 if all(passed for _, passed in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
