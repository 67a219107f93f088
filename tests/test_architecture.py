"""The house rules that keep the tree readable (ARCHITECTURE.md), checked on the code.

The layer contracts themselves are import-linter's (pyproject.toml, run by `make test`);
these are the rules it cannot see: where SQL may be written and how large a module or a
function may grow before it hides more than one concept.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("worker", "catalog", "sitebuild")
SQL = re.compile(
    r"\.execute(many|script)?\(|\.query\(|\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b"
)
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def product_files() -> list[Path]:
    return sorted(p for top in PRODUCT for p in (ROOT / top).rglob("*.py"))


def test_sql_is_written_only_in_the_store_package():
    store = ROOT / "worker" / "store"
    outside = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in product_files()
        if store not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line) and not line.lstrip().startswith("#")
    ]
    assert outside == []


def test_no_module_hides_several_concepts():
    long = {
        str(path.relative_to(ROOT)): count
        for path in product_files()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_too_long_to_read_at_once():
    long = []
    for path in product_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({size})")
    assert long == []
