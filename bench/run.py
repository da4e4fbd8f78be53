"""`make bench`: serve the app as production does, load it with wrk, print one table.

    python bench/run.py [--scale small|large] [--runs 5] [--seconds 8] [--reuse-data]

- The database: PostgreSQL when DATABASE_URL is set (a scratch database beside it,
  `<name>_bench` or `<name>_bench_large`, dropped and made again unless --reuse-data;
  BENCH_DATABASE_URL overrides), SQLite otherwise (a file in a temporary directory).
  The cache: Redis when REDIS_URL is set (under a key prefix of its own, removed at the
  end), the local-memory cache otherwise.
- The data: the seed article, generate_data (small: 200 articles, 20,000 comments,
  20,000 reactions; large: 10,000 articles, 1,000,000 comments, 1,000,000 reactions),
  and the articles the targets use (bench/prepare.py).
- The server: gunicorn with gunicorn.conf.py (2 workers), DEBUG off, static files
  collected and served by whitenoise, BENCH_FLOOR on for /bench/floor.
- The load: wrk, each target in turn, RUNS rounds (after a warm-up round), each target's
  requests per second, median latency and 99th percentile; the medians of the rounds,
  and the median of each round's ratio to the floor measured in the same round.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEED = "/articles/new-revelations-on-assads-final-24-hours-in-syria/"

SCALES = {
    "small": {"articles": 200, "comments": 20_000, "reactions": 20_000},
    "large": {"articles": 10_000, "comments": 1_000_000, "reactions": 1_000_000},
}


@dataclass
class Target:
    name: str
    path: str
    script: str = ""  # a Lua script made by bench/prepare.py
    required: float | None = None  # the ratio to the floor the issue asks for
    results: list = field(default_factory=list)
    sent: int = 0  # requests sent so far: the scripts' readers go on from there


TARGETS = [
    Target("floor", "/bench/floor"),
    Target("seed article, reader without cookies", SEED, required=0.8),
    Target("seed article, reader who reacted", SEED, "reader_page.lua", required=0.5),
    Target(
        "article with 500 comments, 20,000 reactions", "/articles/bench-500-comments/", required=0.7
    ),
    Target("front page", "/", required=0.8),
    Target("reaction toggle (JSON)", "/articles/bench-reactions/reactions/", "toggle.lua", 0.4),
    Target("comment post", "/articles/bench-comments/comments/", "comment.lua", required=0.3),
]
QUEUE_PATH = "/admin/comments/comment/?status__exact=pending"
QUEUE_REQUESTS = 20


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default=os.environ.get("SCALE") or "small")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 8)))
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reuse-data", action="store_true", help="keep the bench database")
    parser.add_argument("--only", default="", help="measure only targets whose name has this")
    args = parser.parse_args()
    TARGETS[1:] = [target for target in TARGETS[1:] if args.only in target.name]
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (Debian and Ubuntu), brew install wrk")
    measure(args)


def measure(args, *, settings_module=None, after_scripts=None):
    """Load the data, serve the app, run TARGETS in interleaved rounds, print the table.
    bench/ceilings.py passes its own settings, and copies scripts (after_scripts(work))."""
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    port = free_port()
    env = bench_environment(work, port, args.scale)
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    started = time.monotonic()
    server = None
    try:
        prepare_database(env, args.scale, reuse=args.reuse_data)
        run_manage(env, "collectstatic", "--no-input", "-v0")
        run_python(env, "bench/prepare.py", "scripts", str(work))
        if after_scripts:
            after_scripts(work)
        server = start_server(env, port)
        base = f"http://127.0.0.1:{port}"
        check_targets(base)
        load_before = os.getloadavg()
        for target in TARGETS:  # warm-up: caches, connections, the workers' code paths
            wrk(base, target, work, seconds=2, connections=args.connections)
        for round_number in range(args.runs):
            for target in TARGETS:
                target.results.append(
                    wrk(base, target, work, seconds=args.seconds, connections=args.connections)
                )
            print(f"round {round_number + 1}/{args.runs} done", file=sys.stderr)
        queue_ms = time_moderation_queue(base)
        peak_rss = workers_peak_rss(server.pid)
        load_after = os.getloadavg()
    finally:
        if server is not None:
            stop_server(server)
        cleanup_cache(env)
        shutil.rmtree(work, ignore_errors=True)
    report(args, env, queue_ms, peak_rss, (load_before, load_after), time.monotonic() - started)


# Setting up ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url(scale):
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return ""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_bench" + ("_large" if scale == "large" else "")
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def bench_environment(work, port, scale):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    database_url = bench_database_url(scale)
    env.update(
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url or f"sqlite:///{work / 'bench.sqlite3'}",
        CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
        STATIC_ROOT=str(work / "static"),
        BENCH_FLOOR="on",
        # As behind one reverse proxy: the client address is the last X-Forwarded-For
        # hop, which the scripts set to each reader's own address.
        NUM_PROXIES="1",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=env.get("WEB_CONCURRENCY", "2"),
        # No worker is recycled during the run: the peak memory is that of a whole run.
        GUNICORN_MAX_REQUESTS="0",
    )
    if database_url and "DATABASE_POOL_MAX_SIZE" not in env:
        # A sync worker serves one request at a time: one connection each, kept open.
        env.setdefault("CONN_MAX_AGE", "600")
    os.environ["BENCH_MODERATOR"] = env["BENCH_MODERATOR"] = "bench-moderator"
    os.environ["BENCH_MODERATOR_PASSWORD"] = env["BENCH_MODERATOR_PASSWORD"] = secrets.token_hex(16)
    return env


def run_manage(env, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def run_python(env, *arguments):
    subprocess.run([PYTHON, *arguments], cwd=ROOT, env=env, check=True)


def prepare_database(env, scale, *, reuse):
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = parts.path.lstrip("/")
        admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and reuse:
                print(f"Reusing the database {name}", file=sys.stderr)
                run_manage(env, "migrate", "--no-input", "-v0")
                run_python(env, "bench/prepare.py", "load")
                return
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    print(f"Loading the {scale} data set into {redact(url)}", file=sys.stderr)
    run_manage(env, "migrate", "--no-input", "-v0")
    sizes = SCALES[scale]
    run_manage(
        env,
        "generate_data",
        f"--articles={sizes['articles']}",
        f"--comments={sizes['comments']}",
        f"--reactions={sizes['reactions']}",
        "--seed=7",
    )
    run_python(env, "bench/prepare.py", "load")


def redact(url):
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(parts.password, "***"))
    return urllib.parse.urlunsplit(parts)


def start_server(env, port):
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "newsroom.wsgi"], cwd=ROOT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn stopped before answering")
            time.sleep(0.3)
    stop_server(server)
    sys.exit("gunicorn did not answer within 30 seconds")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def cleanup_cache(env):
    """Remove the bench's keys from a Redis shared with others."""
    if not env.get("REDIS_URL"):
        return
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def check_targets(base):
    """Each page answers 200 before it is measured."""
    for target in TARGETS:
        if not target.script:
            with urllib.request.urlopen(base + target.path, timeout=10) as response:
                assert response.status == 200, (target.name, response.status)


# Measuring -------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(base, target, work, *, seconds, connections):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if target.script:
        command += ["-s", str(work / target.script)]
    command += [base + target.path, "--", str(target.sent)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = parse_wrk(output)
    # wrk counts completed requests; a few more may have been sent when it stopped.
    target.sent += result["requests"] + connections
    return result


def parse_wrk(output):
    def latency(percentile):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return float(match[1]) * UNITS[match[2]]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": latency(50),
        "p99": latency(99),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "bad": int(errors[1]) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def time_moderation_queue(base):
    """The admin's moderation queue for a logged-in moderator: the median of 20 requests."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(base + "/admin/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)[1]
    data = urllib.parse.urlencode(
        {
            "username": os.environ["BENCH_MODERATOR"],
            "password": os.environ["BENCH_MODERATOR_PASSWORD"],
            "csrfmiddlewaretoken": token,
        }
    ).encode()
    opener.open(base + "/admin/login/?next=/admin/", data=data, timeout=10).read()
    times = []
    for attempt in range(QUEUE_REQUESTS + 2):
        started = time.perf_counter()
        with opener.open(base + QUEUE_PATH, timeout=30) as response:
            body = response.read()
            assert response.status == 200 and b"changelist" in body, "not the moderation queue"
        if attempt >= 2:  # two warm-up requests
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def workers_peak_rss(master_pid):
    """The largest peak resident memory (VmHWM) among gunicorn's workers, in MB."""
    peaks = []
    for child in Path("/proc").glob("[0-9]*"):
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", status, re.MULTILINE):
            peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)[1]) / 1024)
    return max(peaks) if peaks else float("nan")


# Reporting -------------------------------------------------------------------------------


def median_of(target, key):
    return statistics.median(result[key] for result in target.results)


def round_ratios(target, floor):
    """Each round's requests/s of `target` over the floor's in the same round: the floor
    moves with the machine, so a target is only compared with what it ran beside."""
    return [
        result["rps"] / floor_result["rps"]
        for result, floor_result in zip(target.results, floor.results, strict=True)
    ]


def report(args, env, queue_ms, peak_rss, loads, elapsed):
    floor = TARGETS[0]
    lines = [
        "| target | requests/s | p50 (ms) | p99 (ms) | ratio to floor | rounds' ratios "
        "| required | non-2xx/3xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    failures = []
    for target in TARGETS:
        ratios = round_ratios(target, floor)
        ratio = statistics.median(ratios)
        bad = sum(result["bad"] + result["socket_errors"] for result in target.results)
        required = f"≥ {target.required}" if target.required else ""
        if target.required and ratio < target.required:
            failures.append(target.name)
        if bad:
            failures.append(f"{target.name}: {bad} bad answers")
        lines.append(
            f"| {target.name} | {median_of(target, 'rps'):,.0f} | {median_of(target, 'p50'):.2f} "
            f"| {median_of(target, 'p99'):.2f} | {ratio:.2f} "
            f"| {min(ratios):.2f}–{max(ratios):.2f} | {required} | {bad} |"
        )
    if peak_rss > 120:
        failures.append("worker memory")
    if queue_ms >= 300:
        failures.append("moderation queue")
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    cache = "Redis" if env.get("REDIS_URL") else "local memory"
    lines += [
        "",
        f"- Worker peak memory (VmHWM) after the run: {peak_rss:.0f} MB (limit 120 MB)",
        f"- Admin moderation queue, logged-in moderator: median {queue_ms:.0f} ms of "
        f"{QUEUE_REQUESTS} requests (limit 300 ms)",
        f"- Data: {args.scale} ({json.dumps(SCALES[args.scale])}), {database}, {cache} cache",
        f"- Runs: {args.runs} rounds of {args.seconds} s per target, interleaved, after a "
        f"warm-up round; wrk -t1 -c{args.connections}; medians",
        f"- Server: gunicorn, {env['WEB_CONCURRENCY']} {env.get('GUNICORN_WORKER_CLASS', 'sync')} "
        "workers (gunicorn.conf.py), DEBUG off, whitenoise",
        f"- Machine: {machine()}",
        f"- Load average before/after: {loads[0][0]:.2f} / {loads[1][0]:.2f}; "
        f"bench took {elapsed / 60:.1f} min",
    ]
    print("\n".join(lines))
    if failures:
        print("\nBelow target: " + "; ".join(failures))


def machine():
    cpu = "unknown CPU"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)[1]
        memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        memory = f"{memory / 1024 / 1024:.0f} GB RAM"
    except (OSError, TypeError):
        memory = ""
    versions = [f"Python {platform.python_version()}"]
    for command in (["psql", "--version"], ["redis-server", "--version"]):
        if shutil.which(command[0]):
            out = subprocess.run(command, capture_output=True, text=True).stdout.split()
            version = next((word for word in out if re.match(r"v?=?\d+\.\d+", word)), "")
            versions.append(f"{command[0].split('-')[0]} {version.lstrip('v=')}")
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}, {platform.system()} {platform.release()}; "
        + ", ".join(versions)
    )


if __name__ == "__main__":
    main()
