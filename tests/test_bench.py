"""`make bench`'s own logic: reading wrk's output, choosing its database."""

import importlib.util
from pathlib import Path

import pytest

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:40000/bench/floor
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.41ms    2.05ms  40.12ms   90.00%
    Req/Sec     2.40k   150.00     2.70k    70.00%
  Latency Distribution
     50%    3.00ms
     75%    3.80ms
     90%    4.90ms
     99%  850.00us
  19200 requests in 8.00s, 3.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:   2400.12
Transfer/sec:    396.00KB
"""


@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parent.parent / "bench" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wrk_output_is_read_with_its_units(bench):
    result = bench.parse_wrk(WRK_OUTPUT)
    assert result["rps"] == pytest.approx(2400.12)
    assert result["p50"] == pytest.approx(3.0)
    assert result["p99"] == pytest.approx(0.85)
    assert result["requests"] == 19200
    assert result["bad"] == 5
    assert result["socket_errors"] == 3


def test_the_bench_uses_a_scratch_database_beside_the_configured_one(bench, monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/newsroom")
    assert bench.bench_database_url("small") == "postgres://u:p@db.example:5432/newsroom_bench"
    assert bench.bench_database_url("large").endswith("/newsroom_bench_large")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    assert bench.bench_database_url("small") == ""
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://u@h/elsewhere")
    assert bench.bench_database_url("small") == "postgres://u@h/elsewhere"


def test_each_target_is_compared_with_the_floor_of_its_own_round(bench):
    floor = bench.Target("floor", "/bench/floor", results=[{"rps": 2000}, {"rps": 1000}])
    page = bench.Target("page", "/", results=[{"rps": 1600}, {"rps": 900}])
    # The machine was twice as fast in the first round: the page kept pace with the floor.
    assert bench.round_ratios(page, floor) == pytest.approx([0.8, 0.9])
