"""The engines stay free of Django, so they can be tested and reused without a database."""

import ast
from pathlib import Path

ENGINES = Path(__file__).resolve().parents[2] / "src" / "crisisdesk" / "engines"


def test_it_finds_no_django_import_under_engines():
    offenders = []
    for path in ENGINES.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "django" or (name.startswith("crisisdesk.") and not name.startswith("crisisdesk.engines")):
                    offenders.append(f"{path.relative_to(ENGINES)}: {name}")
    assert offenders == []
