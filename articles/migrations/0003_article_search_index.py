"""PostgreSQL's full-text index on articles; nothing on other databases (SQLite).

The index is created through Django's own GinIndex and SearchVector, so its expression
is the one `articles.search.search_vector()` builds for queries (a test checks that the
planner uses it). It is deliberately absent from the model state: SQLite has no GIN
indexes, and keeping it out of the state keeps SQLite's table rebuilds from trying to
create it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "article_search_idx"


def search_index():
    # Frozen copy of articles.search.search_vector().
    return GinIndex(
        SearchVector("title", weight="A", config="english")
        + SearchVector("standfirst", weight="B", config="english")
        + SearchVector("body", weight="C", config="english"),
        name=INDEX_NAME,
    )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("articles", "Article"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_sections"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
