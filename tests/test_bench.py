"""`make bench`: its own logic (reading wrk, choosing its database, comparing each target
with its baseline), its scripts, and the floors that only its settings route."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory, override_settings

from newsroom.readers import READER_COOKIE_SALT

ROOT = Path(__file__).resolve().parent.parent

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:20000/bench/floor
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


def load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return load("run")


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


def test_each_target_is_compared_with_its_baseline_of_the_same_round(bench):
    floor = bench.Target("floor", "/bench/floor", results=[{"rps": 2000}, {"rps": 1000}])
    page = bench.Target("page", "/", against="floor", results=[{"rps": 1600}, {"rps": 900}])
    # The machine was twice as fast in the first round: the page kept pace with the floor.
    assert bench.round_ratios(page, floor) == pytest.approx([0.8, 0.9])


def test_reads_writes_and_nginx_each_have_their_baseline(bench):
    against = {target.name: target.against for target in bench.TARGETS}
    assert against["seed article, reader without cookies"] == bench.FLOOR
    assert against["reaction toggle (JSON)"] == bench.WRITE_FLOOR
    assert against["comment post"] == bench.WRITE_FLOOR
    assert against["article behind nginx, reader without cookies"] == bench.STATIC
    assert against[bench.WRITE_FLOOR] == bench.FLOOR
    assert against[bench.FLOOR] == against[bench.STATIC] == ""


def test_only_keeps_the_baselines_of_what_it_picks(bench):
    names = [target.name for target in bench.select(bench.TARGETS, "toggle")]
    assert names == [bench.FLOOR, bench.WRITE_FLOOR, "reaction toggle (JSON)"]
    names = [target.name for target in bench.select(bench.TARGETS, "behind nginx")]
    assert names == [
        bench.STATIC,
        "article behind nginx, reader without cookies",
        "front page behind nginx",
    ]


# The scripts ------------------------------------------------------------------------------


def test_the_scripts_post_as_the_sites_own_pages_without_a_token(tmp_path, monkeypatch):
    prepare = load("prepare")
    for name in ("REACTED_READERS", "TOGGLE_READERS", "COMMENT_READERS"):
        monkeypatch.setattr(prepare, name, 3)
    prepare.scripts(tmp_path)
    scripts = {path.stem: path.read_text() for path in tmp_path.glob("*.lua")}
    assert set(scripts) == {"reader_page", "toggle", "comment", "write"}
    for name in ("toggle", "comment", "write"):
        assert '["Sec-Fetch-Site"] = "same-origin"' in scripts[name]
    for script in scripts.values():
        assert "csrf" not in script.lower()
    # Each reader's cookie is one the site reads back as that reader.
    cookies = re.findall(
        r'^  \{"reader=([^"]+)", "10\.0\.0\.\d+"\},$', scripts["reader_page"], re.M
    )
    assert len(cookies) == 3
    request = RequestFactory().get("/", HTTP_COOKIE=f"reader={cookies[1]}")
    reader = request.get_signed_cookie(settings.READER_COOKIE_NAME, salt=READER_COOKIE_SALT)
    assert reader == prepare.reader_id("reacted", 1)


# The floors: routed by bench/settings.py only -----------------------------------------------


@pytest.fixture(scope="module")
def bench_site(django_db_setup, django_db_blocker):
    """The site as bench/settings.py makes it: the floors' app and URLs, and its table."""
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "bench.floor"], ROOT_URLCONF="bench.urls"
    ):
        from bench.floor.models import Write

        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            editor.create_model(Write)
        yield Write
        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            editor.delete_model(Write)


@pytest.mark.parametrize("path", ["/bench/floor", "/bench/durable-write"])
def test_the_site_has_no_floor(client, db, path):
    assert client.get(path).status_code == 404
    assert client.post(path, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 404


def test_the_floor_answers_a_fixed_short_text(bench_site, client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/floor")
    assert response.status_code == 200
    assert response.content == b"floor\n"
    assert client.post("/bench/floor").status_code == 405


def test_the_durable_write_floor_stores_one_row_per_post(
    bench_site, client, db, django_assert_num_queries
):
    # One insert, in its own transaction (a savepoint inside the test's).
    with django_assert_num_queries(3):
        response = client.post(
            "/bench/durable-write", {"body": "hello"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
    assert response.status_code == 200
    assert list(bench_site.objects.values_list("body", flat=True)) == ["hello"]
    assert client.get("/bench/durable-write").status_code == 405


def test_the_durable_write_floor_refuses_a_cross_site_post_as_the_readers_endpoints_do(
    bench_site, client, db
):
    response = client.post(
        "/bench/durable-write", {"body": "forged"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert not bench_site.objects.exists()


def test_nothing_in_the_product_imports_the_bench():
    importing = re.compile(r"^\s*(?:from|import)\s+bench\b", re.MULTILINE)
    for package in ("newsroom", "articles", "comments"):
        for path in (ROOT / package).rglob("*.py"):
            assert not importing.search(path.read_text()), path
