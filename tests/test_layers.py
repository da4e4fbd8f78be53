"""The layers the imports obey (docs/architecture.md, "Layers"), read from the code itself:

    newsroom  <-  articles  <-  reactions  <-  comments  <-  the article page (articles.views)

- `newsroom/` (settings and infrastructure) imports no app;
- the models and services of `articles` (everything but its views, admin, feeds, sitemaps,
  URLs and management commands: the places that compose pages) import neither
  `reactions` nor `comments`; `reactions` does not import `comments`;
- no module imports one that imports it back, directly or through others;
- no first-party import hides inside a function, but the documented one that connects an
  app's signal receivers in AppConfig.ready().
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newsroom", "articles", "reactions", "comments", "pages")
# The modules of `articles` that compose pages from several apps.
ARTICLES_TOP = (
    "articles.views",
    "articles.admin",
    "articles.urls",
    "articles.feeds",
    "articles.sitemaps",
    "articles.management",
)


def _modules():
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _first_party(name):
    """The module of ours that `name` (a module, or a name in one) is, or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module, path):
    """(imported module, line, inside a function's name or None) for each import."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                else function
            )
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, *([child.module] if child.module else [])])
                names = [f"{base}.{alias.name}" for alias in child.names] + [base]
            for name in names:
                target = _first_party(name)
                if target and target != module:
                    found.append((target, child.lineno, function))
            visit(child, inner)

    visit(tree, None)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _edges(module):
    return {target for target, _line, _function in GRAPH[module]}


def test_the_modules_are_read():
    assert "articles.models" in MODULES and "newsroom.settings" in MODULES
    assert "articles.models" in _edges("comments.models")


def _app(module):
    return module.split(".")[0]


def _violations(allowed):
    return sorted(
        f"{module} imports {target} (line {line})"
        for module, imports in GRAPH.items()
        for target, line, _function in imports
        if not allowed(module, target)
    )


def test_newsroom_imports_no_app():
    assert _violations(lambda m, t: _app(m) != "newsroom" or _app(t) == "newsroom") == []


def test_the_models_and_services_of_articles_import_no_other_app():
    def allowed(module, target):
        if _app(module) != "articles" or module.startswith(ARTICLES_TOP):
            return True
        return _app(target) in ("articles", "newsroom")

    assert _violations(allowed) == []


def test_reactions_import_nothing_of_comments():
    assert _violations(lambda m, t: not (_app(m) == "reactions" and _app(t) == "comments")) == []


def _reached_from(module):
    """Every module that `module` imports, directly or through others."""
    reached, to_visit = set(), list(_edges(module))
    while to_visit:
        target = to_visit.pop()
        if target not in reached:
            reached.add(target)
            to_visit.extend(_edges(target))
    return reached


def test_no_module_imports_one_that_imports_it_back():
    in_circles = sorted(module for module in GRAPH if module in _reached_from(module))
    assert in_circles == []


def test_no_first_party_import_hides_in_a_function():
    hidden = sorted(
        f"{module}:{line} imports {target} inside {function}()"
        for module, imports in GRAPH.items()
        for target, line, function in imports
        if function is not None and not (module.endswith(".apps") and function == "ready")
    )
    assert hidden == []


@pytest.mark.parametrize("module", ["articles.models", "articles.services", "articles.pagecache"])
def test_the_lower_modules_of_articles_exist(module):
    assert module in MODULES
