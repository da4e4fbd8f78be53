"""What the two write targets reach with no database write in the request: the
measurements behind README.md, "The write targets and durability". Not part of
`make bench`; it needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL).

    python bench/ceilings.py [--runs 5] [--seconds 6] [--reuse-data]

The server, data, readers and wrk are `make bench`'s (bench/run.py); the settings are
bench/ceilings_site.py, which adds the views of bench/ceilings_views.py. Each round
measures, in turn: the floor, the floor as a POST, the real toggle and comment post, and
the same writes queued in Redis instead of stored in PostgreSQL.
"""

import argparse
import json
import os
import sys

import run

TARGETS = [
    run.Target("floor", "/bench/floor"),
    run.Target("floor as a POST (CSRF checked)", "/bench/post-floor", "post_floor.lua"),
    run.Target("reaction toggle (JSON)", "/articles/bench-reactions/reactions/", "toggle.lua", 0.4),
    run.Target(
        "toggle queued in Redis", "/bench/toggle-write-behind/bench-reactions/", "toggle_q.lua", 0.4
    ),
    run.Target("comment post", "/articles/bench-comments/comments/", "comment.lua", 0.3),
    run.Target(
        "comment queued in Redis (the form, the message)",
        "/bench/comment-write-behind/bench-comments/",
        "comment_q.lua",
        0.3,
    ),
    run.Target(
        "comment queued in Redis (fields checked by hand)",
        "/bench/comment-minimal/bench-comments/",
        "comment_min.lua",
        0.3,
    ),
]
# Copies of the prepared scripts (the same readers, token and bodies), sent to other URLs.
SCRIPT_COPIES = {
    "post_floor.lua": "toggle.lua",
    "toggle_q.lua": "toggle.lua",
    "comment_q.lua": "comment.lua",
    "comment_min.lua": "comment.lua",
}


def copy_scripts(work):
    for target in TARGETS:
        if target.script in SCRIPT_COPIES:
            text = (work / SCRIPT_COPIES[target.script]).read_text()
            first_line, rest = text.split("\n", 1)
            assert first_line.startswith("path = "), first_line
            (work / target.script).write_text(f"path = {json.dumps(target.path)}\n{rest}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reuse-data", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL") or not run.bench_database_url("small"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the ceilings are measured there.")
    run.TARGETS[:] = TARGETS
    args.scale = "small"
    run.measure(args, settings_module="bench.ceilings_site", after_scripts=copy_scripts)


if __name__ == "__main__":
    main()
