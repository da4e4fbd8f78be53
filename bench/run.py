"""`make bench`: serve the app as production does, load it with wrk, print one table.

    python bench/run.py [--scale small|large] [--runs 5] [--seconds 8] [--reuse-data]
                        [--only WORDS]

- The database: PostgreSQL when DATABASE_URL is set (a scratch database beside it,
  `<name>_bench` or `<name>_bench_large`, dropped and made again unless --reuse-data;
  BENCH_DATABASE_URL overrides), SQLite otherwise (a file in a temporary directory).
  The cache: Redis when REDIS_URL is set (under a key prefix of its own, removed at the
  end), the site's default cache otherwise.
- The data: the seed article, generate_data (small: 200 articles, 20,000 comments,
  20,000 reactions; large: 10,000 articles, 1,000,000 comments, 1,000,000 reactions),
  and the articles the targets use (bench/prepare.py).
- The servers: gunicorn with gunicorn.conf.py (2 workers), DEBUG off, static files
  collected and served by whitenoise, the bench's settings (bench/settings.py: the site
  with the two floors); nginx in front of it as deploy/nginx.conf configures it; and a
  second nginx at its plainest (sendfile, no proxy, no logs) serving the seed article's
  bytes from a file.
- The load: wrk, each target in turn, RUNS rounds (after a warm-up round), each target's
  requests per second, median latency and 99th percentile; the medians of the rounds,
  and the median of each round's ratio to the baseline it is compared with (the floor,
  the durable write floor or nginx static), measured in the same round.
"""

import argparse
import json
import os
import platform
import random
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
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SEED = "/articles/new-revelations-on-assads-final-24-hours-in-syria/"

SCALES = {
    "small": {"articles": 200, "comments": 20_000, "reactions": 20_000},
    "large": {"articles": 10_000, "comments": 1_000_000, "reactions": 1_000_000},
}


FLOOR = "floor"
WRITE_FLOOR = "durable write floor"
STATIC = "nginx static"
STATIC_PATH = "/seed-article.html"


@dataclass
class Target:
    name: str
    path: str
    script: str = ""  # a Lua script made by bench/prepare.py
    against: str = ""  # the baseline it is compared with, measured in the same round
    required: float | None = None  # the ratio to it the issue asks for
    server: str = "gunicorn"  # or "nginx" (deploy/nginx.conf in front), "static"
    results: list = field(default_factory=list)
    sent: int = 0  # requests sent so far: the scripts' readers go on from there


TARGETS = [
    Target(FLOOR, "/bench/floor"),
    Target("seed article, reader without cookies", SEED, against=FLOOR, required=0.8),
    Target("seed article, reader who reacted", SEED, "reader_page.lua", FLOOR, 0.5),
    Target(
        "article with 500 comments, 20,000 reactions",
        "/articles/bench-500-comments/",
        against=FLOOR,
        required=0.7,
    ),
    Target("front page", "/", against=FLOOR, required=0.8),
    Target(WRITE_FLOOR, "/bench/durable-write", "write.lua", against=FLOOR),
    Target(
        "reaction toggle (JSON)",
        "/articles/bench-reactions/reactions/",
        "toggle.lua",
        WRITE_FLOOR,
        0.6,
    ),
    Target("comment post", "/articles/bench-comments/comments/", "comment.lua", WRITE_FLOOR, 0.4),
    Target(STATIC, STATIC_PATH, server="static"),
    Target(
        "article behind nginx, reader without cookies",
        SEED,
        against=STATIC,
        required=0.8,
        server="nginx",
    ),
    # Public like the article (s-maxage): served from nginx's cache as well.
    Target("front page behind nginx", "/", against=STATIC, required=0.8, server="nginx"),
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
    parser.add_argument(
        "--only", default="", help="measure only targets whose name has this (and their baselines)"
    )
    args = parser.parse_args()
    TARGETS[:] = select(TARGETS, args.only)
    for command, package in (("wrk", "wrk"), (NGINX, "nginx-light")):
        if not shutil.which(command):
            sys.exit(f"{command} is missing: apt-get install {package} (Debian and Ubuntu)")
    sys.exit(1 if measure(args) else 0)


def select(targets, words):
    """The targets whose name has `words`, with the baselines they are compared with."""
    by_name = {target.name: target for target in targets}
    chosen = set()
    for target in targets:
        if words in target.name:
            while target and target.name not in chosen:
                chosen.add(target.name)
                target = by_name.get(target.against)
    return [target for target in targets if target.name in chosen]


def measure(args):
    """Load the data, serve the app, run TARGETS in interleaved rounds, print the table;
    return the targets not met."""
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    # nginx's workers run as an unprivileged user: they read the static files from here.
    work.chmod(0o755)
    ports = dict(zip(("gunicorn", "nginx", "static"), free_ports(3), strict=True))
    env = bench_environment(work, ports["gunicorn"], args.scale)
    bases = {server: f"http://127.0.0.1:{port}" for server, port in ports.items()}
    started = time.monotonic()
    servers = []
    try:
        prepare_database(env, args.scale, reuse=args.reuse_data)
        run_manage(env, "collectstatic", "--no-input", "-v0")
        run_python(env, "bench/prepare.py", "scripts", str(work))
        gunicorn = start_server(env, ports["gunicorn"])
        servers.append(gunicorn)
        write_static_page(bases["gunicorn"], work)
        servers.append(start_nginx(work, "static", static_nginx_config(work, ports["static"])))
        servers.append(start_nginx(work, "proxy", proxy_nginx_config(work, ports)))
        for server, base in bases.items():
            wait_for(base + ("/healthz" if server != "static" else STATIC_PATH), servers)
        cache_status = check_targets(bases)
        load_before = os.getloadavg()
        for target in TARGETS:  # warm-up: caches, connections, the workers' code paths
            wrk(bases[target.server], target, work, seconds=2, connections=args.connections)
        for round_number in range(args.runs):
            for target in TARGETS:
                target.results.append(
                    wrk(
                        bases[target.server],
                        target,
                        work,
                        seconds=args.seconds,
                        connections=args.connections,
                    )
                )
            print(f"round {round_number + 1}/{args.runs} done", file=sys.stderr)
        queue_ms = time_moderation_queue(bases["gunicorn"])
        peak_rss = workers_peak_rss(gunicorn.pid)
        load_after = os.getloadavg()
    finally:
        for server in reversed(servers):
            stop_server(server)
        cleanup_cache(env)
        shutil.rmtree(work, ignore_errors=True)
    return report(
        args,
        env,
        cache_status,
        queue_ms,
        peak_rss,
        (load_before, load_after),
        time.monotonic() - started,
    )


# Setting up ------------------------------------------------------------------------------


def free_ports(count):
    """Ports free on this machine, below the range the system hands out by itself."""
    ports = []
    rng = random.Random()
    while len(ports) < count:
        port = rng.randrange(20_000, 32_000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port not in ports:
            ports.append(port)
    return ports


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
    # The site with the floors' URLs and table (bench/settings.py).
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    database_url = bench_database_url(scale)
    env.update(
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url or f"sqlite:///{work / 'bench.sqlite3'}",
        CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
        STATIC_ROOT=str(work / "static"),
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
    wait_for(f"http://127.0.0.1:{port}/healthz", [server])
    return server


def wait_for(url, servers, seconds=30):
    """Wait until `url` answers; stop everything if it does not or a server stops."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if any(server.poll() is not None for server in servers):
                break
            time.sleep(0.3)
    for server in servers:
        stop_server(server)
    sys.exit(f"{url} did not answer within {seconds} s, or a server stopped")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def write_static_page(gunicorn, work):
    """The seed article's bytes, as gunicorn serves them to a reader without cookies, in
    a file that nginx serves."""
    root = work / "nginx-static" / "root"
    root.mkdir(parents=True)
    with urllib.request.urlopen(gunicorn + SEED, timeout=10) as response:
        (root / STATIC_PATH.lstrip("/")).write_bytes(response.read())


def static_nginx_config(work, port):
    """nginx at its plainest: one file from disk with sendfile, no proxy, no logs."""
    directory = work / "nginx-static"
    return f"""worker_processes auto;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; }}
    sendfile on;
    tcp_nopush on;
    access_log off;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {directory}/root;
    }}
}}
"""


def proxy_nginx_config(work, ports):
    """deploy/nginx.conf, rendered for these ports and directories."""
    directory = work / "nginx-proxy"
    directory.mkdir()
    command = [
        PYTHON,
        "deploy/nginx.py",
        f"--listen=127.0.0.1:{ports['nginx']}",
        f"--upstream=127.0.0.1:{ports['gunicorn']}",
        f"--static-root={work / 'static'}",
        f"--media-root={work / 'media'}",
        f"--cache-dir={directory / 'cache'}",
        f"--prefix={directory}",
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def start_nginx(work, name, config):
    directory = work / f"nginx-{name}"
    directory.mkdir(exist_ok=True)
    path = directory / "nginx.conf"
    path.write_text(config)
    command = [NGINX, "-c", str(path), "-p", str(directory), "-e", str(directory / "error.log")]
    return subprocess.Popen([*command, "-g", "daemon off;"], start_new_session=True)


def cleanup_cache(env):
    """Remove the bench's keys from a Redis shared with others."""
    if not env.get("REDIS_URL"):
        return
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def check_targets(bases):
    """Each page answers 200 before it is measured; what nginx's cache says of the pages
    behind it (its X-Cache-Status header, asked twice), for the report."""
    cache_status = {}
    for target in TARGETS:
        if target.script:
            continue
        for _attempt in range(2):
            with urllib.request.urlopen(bases[target.server] + target.path, timeout=10) as answer:
                assert answer.status == 200, (target.name, answer.status)
                status = answer.headers.get("X-Cache-Status")
        if target.server == "nginx":
            cache_status[target.name] = status or "no X-Cache-Status header"
    return cache_status


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


def round_ratios(target, baseline):
    """Each round's requests/s of `target` over its baseline's in the same round: the
    baseline moves with the machine, so a target is only compared with what it ran beside."""
    return [
        result["rps"] / base_result["rps"]
        for result, base_result in zip(target.results, baseline.results, strict=True)
    ]


MEMORY_LIMIT_MB = 120
QUEUE_LIMIT_MS = 300


def report(args, env, cache_status, queue_ms, peak_rss, loads, elapsed):
    """Print the table; return the targets not met."""
    by_name = {target.name: target for target in TARGETS}
    lines = [
        "| target | requests/s | p50 (ms) | p99 (ms) | compared with | ratio | rounds' ratios "
        "| required | non-2xx/3xx | socket errors |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    failures = []
    for target in TARGETS:
        bad = sum(result["bad"] for result in target.results)
        socket_errors = sum(result["socket_errors"] for result in target.results)
        if bad or socket_errors:
            failures.append(f"{target.name}: {bad} non-2xx/3xx, {socket_errors} socket errors")
        against = ratio = spread = required = ""
        if target.against:
            ratios = round_ratios(target, by_name[target.against])
            against = target.against
            ratio = f"{statistics.median(ratios):.2f}"
            spread = f"{min(ratios):.2f}–{max(ratios):.2f}"
            if target.required:
                required = f"≥ {target.required}"
                if statistics.median(ratios) < target.required:
                    failures.append(f"{target.name}: {ratio} of {against} (≥ {target.required})")
        lines.append(
            f"| {target.name} | {median_of(target, 'rps'):,.0f} | {median_of(target, 'p50'):.2f} "
            f"| {median_of(target, 'p99'):.2f} | {against} | {ratio} | {spread} | {required} "
            f"| {bad} | {socket_errors} |"
        )
    if peak_rss > MEMORY_LIMIT_MB:
        failures.append(f"worker peak memory: {peak_rss:.0f} MB (≤ {MEMORY_LIMIT_MB} MB)")
    if queue_ms >= QUEUE_LIMIT_MS:
        failures.append(f"moderation queue: {queue_ms:.0f} ms (< {QUEUE_LIMIT_MS} ms)")
    lines += [
        "",
        "| check | measured | required |",
        "| --- | ---: | ---: |",
        f"| worker peak memory (VmHWM), after the run | {peak_rss:.0f} MB "
        f"| ≤ {MEMORY_LIMIT_MB} MB |",
        f"| admin moderation queue, logged-in moderator, median of {QUEUE_REQUESTS} "
        f"| {queue_ms:.0f} ms | < {QUEUE_LIMIT_MS} ms |",
    ]
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    cache = "Redis" if env.get("REDIS_URL") else "the default (no REDIS_URL)"
    lines += [
        "",
        f"- Data: {args.scale} ({json.dumps(SCALES[args.scale])}), {database}, {cache} cache",
        f"- Runs: {args.runs} rounds of {args.seconds} s per target, interleaved, after a "
        f"warm-up round; wrk -t1 -c{args.connections}; medians",
        f"- Server: gunicorn, {env['WEB_CONCURRENCY']} {env.get('GUNICORN_WORKER_CLASS', 'sync')} "
        "workers (gunicorn.conf.py), DEBUG off, whitenoise; nginx "
        f"{nginx_version()} (deploy/nginx.conf) in front",
    ]
    if cache_status:
        statuses = ", ".join(f"{name}: {status}" for name, status in cache_status.items())
        lines.append(f"- nginx's cache on a second request: {statuses}")
    lines += [
        f"- Machine: {machine()}",
        f"- Load average before/after: {loads[0][0]:.2f} / {loads[1][0]:.2f}; "
        f"bench took {elapsed / 60:.1f} min",
    ]
    print("\n".join(lines))
    if failures:
        print("\nBelow target: " + "; ".join(failures))
    return failures


def nginx_version():
    out = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
    match = re.search(r"nginx/([\d.]+)", out)
    return match[1] if match else ""


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
