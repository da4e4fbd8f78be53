"""The cross-process cache candidates, measured as the app uses its cache without Redis.

    .venv/bin/python bench/cache_backends.py [--rounds 2000] [--backends diskcache,...]

Candidates: diskcache's DjangoCache (values over 32 KB in files of their own, its default,
and with every value kept in its SQLite files), Django's FileBasedCache, and Django's
DatabaseCache on a SQLite file of its own. Two processes run each operation at once on
the same keys; each operation's latency is printed (median and 99th percentile, in
microseconds) for values of about 200 bytes and about 60 KB (a pickled page part). Then
whether incr and add are atomic across the two processes: both increment one counter
N times (is it 2N?), and both try to add the same N keys (did any key go to both?).

Nothing of it is imported by the product (newsroom/settings.py configures the cache).
"""

import argparse
import multiprocessing
import queue
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

KEYS = 50
SIZES = {"200 B": 200, "60 KB": 60_000}
OPERATIONS = ["get", "set", "get_many(4)", "set_many(4)", "incr", "add"]


def caches(directory):
    """CACHES for each candidate, under `directory`."""
    return {
        "diskcache": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(directory / "diskcache"),
            "TIMEOUT": 3600,
        },
        "diskcache (values in SQLite)": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(directory / "diskcache-sqlite"),
            "TIMEOUT": 3600,
            "OPTIONS": {"disk_min_file_size": 2**20},
        },
        "FileBasedCache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(directory / "filebased"),
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "DatabaseCache (SQLite)": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_table",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }


class Router:
    """DatabaseCache's table in a SQLite file of its own ("cache"), not the app's."""

    def db_for_read(self, model, **hints):
        return "cache" if model._meta.app_label == "django_cache" else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, **hints):
        return db == "cache" if app_label == "django_cache" else None


def setup(directory, backend):
    import django
    from django.conf import settings

    settings.configure(
        CACHES={"default": caches(directory)[backend]},
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(directory / "app")},
            "cache": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(directory / "cache.sqlite3"),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            },
        },
        DATABASE_ROUTERS=[f"{__name__}.Router"],
        USE_TZ=True,
    )
    django.setup()
    from django.core.cache import cache

    return cache


def value_of(size):
    """A dict like the page parts: a rendered page and its stamps."""
    return {
        "html": secrets.token_urlsafe(size)[: max(size - 80, 10)],
        "generation": secrets.token_hex(8),
        "rendered_at": time.time(),
    }


def measure(cache, operation, size, rounds):
    values = [value_of(size) for _ in range(4)]
    timings = []
    for n in range(rounds):
        key = f"{size}:{n % KEYS}"
        many = [f"{size}:{(n + i) % KEYS}" for i in range(4)]
        if operation == "get":
            started = time.perf_counter()
            cache.get(key)
        elif operation == "set":
            started = time.perf_counter()
            cache.set(key, values[n % 4])
        elif operation == "get_many(4)":
            started = time.perf_counter()
            cache.get_many(many)
        elif operation == "set_many(4)":
            mapping = dict(zip(many, values, strict=True))
            started = time.perf_counter()
            cache.set_many(mapping)
        elif operation == "incr":
            started = time.perf_counter()
            try:
                cache.incr(f"counter:{n % KEYS}")
            except ValueError:
                cache.add(f"counter:{n % KEYS}", 1)
        elif operation == "add":
            started = time.perf_counter()
            cache.add(f"add:{size}:{n}:{secrets.token_hex(4)}", values[0], 60)
        timings.append(time.perf_counter() - started)
    return timings


def worker(directory, backend, rounds, barrier, results, number):
    cache = setup(directory, backend)
    figures = {}
    for size_name, size in SIZES.items():
        for operation in OPERATIONS:
            if operation in ("incr",) and size_name != "200 B":
                continue
            barrier.wait()
            figures[(operation, size_name)] = measure(cache, operation, size, rounds)
    # Atomicity: one counter incremented by both, the same keys added by both.
    barrier.wait()
    for _ in range(rounds):
        while True:
            try:
                cache.incr("shared-counter")
                break
            except ValueError:
                if cache.add("shared-counter", 1):
                    break
    barrier.wait()
    won = [n for n in range(rounds) if cache.add(f"race:{n}", number)]
    barrier.wait()
    results.put((number, figures, won, cache.get("shared-counter")))


def run(backend, rounds, processes):
    directory = Path(tempfile.mkdtemp(prefix="cache-bench-"))
    try:
        if backend.startswith("DatabaseCache"):
            import subprocess

            subprocess.run(
                [sys.executable, __file__, "--create-table", str(directory)],
                check=True,
            )
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(processes)
        results = context.Queue()
        processes = [
            context.Process(
                target=worker, args=(directory, backend, rounds, barrier, results, number)
            )
            for number in range(processes)
        ]
        for process in processes:
            process.start()
        answers = []
        while len(answers) < len(processes):
            try:
                answers.append(results.get(timeout=1))
            except queue.Empty:
                if any(process.exitcode not in (None, 0) for process in processes):
                    for process in processes:
                        process.kill()
                    raise SystemExit(f"{backend}: a process failed") from None
        for process in processes:
            process.join()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    timings = {}
    for _number, figures, _won, _counter in answers:
        for key, values in figures.items():
            timings.setdefault(key, []).extend(values)
    counter = max(answer[3] or 0 for answer in answers)
    won = [set(answer[2]) for answer in answers]
    added_twice = sum(len(a & b) for i, a in enumerate(won) for b in won[i + 1 :])
    added_by_none = rounds - len(set().union(*won))
    return timings, counter, added_twice, added_by_none


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--backends", default=",".join(caches(Path("."))))
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--create-table", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.create_table:
        setup(Path(arguments.create_table), "DatabaseCache (SQLite)")
        from django.core.management import call_command

        call_command("createcachetable", database="cache")
        return
    print(
        f"{arguments.processes} processes at once, {arguments.rounds} calls each per operation; "
        "latency in microseconds, median / 99th percentile"
    )
    header = ["backend", "size", *OPERATIONS]
    rows = []
    atomicity = []
    for backend in arguments.backends.split(","):
        timings, counter, added_twice, added_by_none = run(
            backend, arguments.rounds, arguments.processes
        )
        for size_name in SIZES:
            cells = []
            for operation in OPERATIONS:
                values = timings.get((operation, size_name))
                cells.append(
                    f"{statistics.median(values) * 1e6:.0f} / {percentile(values, 0.99) * 1e6:.0f}"
                    if values
                    else "-"
                )
            rows.append([backend, size_name, *cells])
        expected = arguments.processes * arguments.rounds
        atomicity.append(
            [
                backend,
                f"{counter} of {expected}" + (" (lost)" if counter != expected else ""),
                f"{added_twice} keys added by both, {added_by_none} by neither",
            ]
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print()
    print("atomic across processes: incr of one counter by both; add of the same keys by both")
    for row in atomicity:
        print("  ".join(row))


if __name__ == "__main__":
    main()
