"""Against a real gunicorn on PostgreSQL: nothing accepted is lost under load, and database
faults give a calm 503, then the app serves again by itself."""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from articles.models import Article
from comments.models import Comment
from reactions.models import Reaction, ReactionCount
from tests.helpers import REACTION_KEYS, make_article
from tests.readers import Reader
from tests.servers import TcpProxy, collect_static, database_url, get, gunicorn, server_environment

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 50  # at once, each with its own reader cookie and address
COMMENTS_EACH = 10  # 500 comments
TOGGLES_EACH = 60  # 3,000 reaction toggles
TIME_LIMIT = 300  # seconds the whole load may take (10,000 toggles took 117 to 271 s)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the load and fault tests run against PostgreSQL (CI's second run)")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    collect_static(root)
    return root


def app_environment(static_root, **overrides):
    settings = {
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url(connection.settings_dict),
        # Each simulated reader sends its own address in X-Forwarded-For.
        "NUM_PROXIES": "1",
        "REACTION_RATE_LIMIT_PER_READER": "100000",
        "REACTION_RATE_LIMIT_PER_ADDRESS": "100000",
        "COMMENTS_RATE_LIMITS": "100000/600",
    }
    return server_environment(**{**settings, **overrides})


@pytest.fixture
def database_proxy():
    """A proxy in front of PostgreSQL that the test can cut (stop) and restore (start)."""
    proxy = TcpProxy(connection.settings_dict.get("PORT") or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


def environment_behind(proxy, static_root, **overrides):
    """The app's environment, reaching PostgreSQL through `proxy`."""
    url = database_url(connection.settings_dict, port=proxy.port)
    return app_environment(static_root, DATABASE_URL=url, **overrides)


def run_clients(count, work):
    errors = []

    def run(index):
        try:
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]


def test_fifty_readers_lose_nothing(static_root, tmp_path):
    article = make_article(comments_mode=Article.CommentsMode.PRE_MODERATED)
    path = article.get_absolute_url()
    statuses = Counter()
    accepted = {}  # comment id -> body
    final_state = [set() for _ in range(CLIENTS)]
    lock = threading.Lock()
    started = time.monotonic()

    with gunicorn(env=app_environment(static_root), log_path=tmp_path / "gunicorn.log") as url:

        def reader_work(index):
            reader = Reader(url, address=f"10.1.{index // 200}.{index % 200 + 1}")
            assert reader.open_page(path)[0] == 200
            rng = random.Random(index)
            actions = ["comment"] * COMMENTS_EACH + ["toggle"] * TOGGLES_EACH
            rng.shuffle(actions)
            for n, action in enumerate(actions):
                assert time.monotonic() - started < TIME_LIMIT, "the load test ran too long"
                if action == "comment":
                    body = f"Reader {index}, comment {n}: {rng.random()}"
                    status, data = reader.post_json(
                        f"{path}comments/", {"name": f"Reader {index}", "body": body}
                    )
                    with lock:
                        statuses[status] += 1
                        if status == 201:
                            accepted[data["id"]] = body
                else:
                    key = rng.choice(REACTION_KEYS)
                    status, data = reader.post_json(f"{path}reactions/", {"emoji": key})
                    with lock:
                        statuses[status] += 1
                    if status == 200:
                        final_state[index] = set(data["mine"])

        run_clients(CLIENTS, reader_work)

    elapsed = time.monotonic() - started
    print(f"\nload: {dict(statuses)} in {elapsed:.1f} s")
    assert not [status for status in statuses if status is None or status >= 500]
    assert statuses[201] == CLIENTS * COMMENTS_EACH
    assert statuses[200] == CLIENTS * TOGGLES_EACH
    stored = Counter(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert len(accepted) == CLIENTS * COMMENTS_EACH
    assert all(stored[body] == 1 for body in accepted.values())
    assert Comment.objects.filter(article=article).count() == len(accepted)
    expected = Counter(key for state in final_state for key in state)
    rows = Counter(Reaction.objects.filter(article=article).values_list("key", flat=True))
    counters = dict(ReactionCount.objects.filter(article=article).values_list("key", "count"))
    for key in REACTION_KEYS:
        assert rows[key] == expected[key] == counters.get(key, 0), key


def terminate_app_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return len(cursor.fetchall())


def test_terminated_connections_give_503s_then_service_resumes(static_root, tmp_path):
    article = make_article()
    path = article.get_absolute_url()
    env = app_environment(static_root, CONN_MAX_AGE="600")
    statuses = Counter()
    accepted = []
    lock = threading.Lock()
    stop = threading.Event()

    with gunicorn(env=env, log_path=tmp_path / "gunicorn.log") as url:

        def reader_work(index):
            reader = Reader(url, address=f"10.2.0.{index + 1}")
            reader.open_page(path)
            n = 0
            while not stop.is_set():
                n += 1
                status, _ = reader.open_page(path)
                body = f"Reader {index} says {n}"
                comment_status, data = reader.post_json(
                    f"{path}comments/", {"name": "Reader", "body": body}
                )
                with lock:
                    statuses[status] += 1
                    statuses[comment_status] += 1
                    if comment_status == 201:
                        accepted.append(data["id"])

        threads = [threading.Thread(target=reader_work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        killed = sum(terminate_app_connections() for _ in range(3))
        time.sleep(1.5)
        killed += terminate_app_connections()
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join()
        after = [get(f"{url}{path}") for _ in range(10)]

    print(f"\nterminated {killed} connections; statuses {dict(statuses)}; then {after}")
    assert killed > 0
    assert set(statuses) <= {200, 201, 503}, statuses
    assert after == [200] * 10
    stored = set(Comment.objects.filter(article=article).values_list("id", flat=True))
    assert set(accepted) <= stored


def test_a_closed_database_port_gives_503s_then_service_resumes(
    static_root, tmp_path, database_proxy
):
    article = make_article()
    path = article.get_absolute_url()
    proxy = database_proxy
    env = environment_behind(proxy, static_root, CONN_MAX_AGE="600")
    with gunicorn(env=env, log_path=tmp_path / "gunicorn.log") as url:
        reader = Reader(url)
        assert reader.open_page(path)[0] == 200
        assert get(f"{url}/healthz") == 200

        proxy.stop()
        for page in ("/", "/sections/world/", "/search/?q=x", "/healthz"):
            assert get(f"{url}{page}") == 503, page
        # The article page was read before the cut: readers without a reader cookie
        # may still be served it from the page cache for as long as it is valid.
        assert get(f"{url}{path}") in (200, 503)
        status, body = reader.request(
            f"{path}comments/", {"name": "Ann", "body": "Posted while the database is away."}
        )
        assert status == 503
        assert "try again" in body and "We’ll be right back" in body
        status, data = reader.post_json(f"{path}reactions/", {"emoji": "joy"})
        assert status == 503 and "try again" in data["error"]

        proxy.start()
        assert [get(f"{url}{path}") for _ in range(6)] == [200] * 6
        assert get(f"{url}/healthz") == 200
        status, data = reader.post_json(
            f"{path}comments/", {"name": "Ann", "body": "Posted once it is back."}
        )
        assert status == 201
    bodies = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == ["Posted once it is back."]


@pytest.mark.parametrize(
    "connections",
    [{"CONN_MAX_AGE": "600"}, {"DATABASE_POOL_MAX_SIZE": "2"}],
    ids=["kept connection", "pooled connections"],
)
@pytest.mark.parametrize("cut", ["terminated by PostgreSQL", "network cut"])
def test_after_a_database_restart_the_first_reader_gets_no_error(
    static_root, tmp_path, database_proxy, connections, cut
):
    """The connections an app server keeps die with a restart or a failover; the next
    request, hours later, must not be the one that finds out."""
    article = make_article()
    path = article.get_absolute_url()
    proxy = database_proxy
    env = environment_behind(proxy, static_root, **connections)
    # One process, one thread: every request below is served on the same connections.
    with gunicorn(env=env, workers=1, threads=1, log_path=tmp_path / "gunicorn.log") as url:
        reader = Reader(url)
        assert reader.open_page(path)[0] == 200
        assert get(f"{url}/healthz") == 200

        if cut == "network cut":
            proxy.stop()
            proxy.start()
        else:
            assert terminate_app_connections() > 0
        time.sleep(0.5)

        status, data = reader.post_json(
            f"{path}comments/", {"name": "Ann", "body": "Posted after the restart."}
        )
        assert status == 201, data
        status, data = reader.post_json(f"{path}reactions/", {"emoji": "joy"})
        assert status == 200, data
        assert get(f"{url}/healthz") == 200
        assert reader.open_page(path)[0] == 200
    bodies = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert bodies == ["Posted after the restart."]
    assert ReactionCount.objects.get(article=article, key="joy").count == 1
