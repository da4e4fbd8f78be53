"""Search: what a reader's query may hold, and PostgreSQL's full-text search.

The same search vector defines the query here and the GIN index in migration 0003; a
test checks that PostgreSQL's planner uses the index for the query.
"""

import re

# Longer queries are cut to this many characters (and the page says so).
MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


def clean_query(raw):
    """The reader's query, tidied: control characters (NUL among them, which PostgreSQL
    refuses) become spaces, runs of spaces collapse, and the length is capped.

    Returns the query and whether it was shortened.
    """
    query = " ".join(_CONTROL_CHARACTERS.sub(" ", raw).split())
    if len(query) > MAX_QUERY_LENGTH:
        return query[:MAX_QUERY_LENGTH].rstrip(), True
    return query, False


def search_vector():
    """Title weighs most (A), then the standfirst (B), then the body (C)."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def full_text(queryset, terms):
    """PostgreSQL: the articles matching `terms` (web-search syntax: words, "phrases",
    -exclusions, or), best match first."""
    from django.contrib.postgres.search import SearchQuery, SearchRank

    query = SearchQuery(terms, config=SEARCH_CONFIG, search_type="websearch")
    return (
        queryset.alias(document=search_vector())
        .filter(document=query)
        .annotate(rank=SearchRank(search_vector(), query))
        .order_by("-rank", "-published_at", "-id")
    )
