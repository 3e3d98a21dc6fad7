"""The library boundary: src/meishi never imports Prefect, and the CLI reaches the flows
through one module, meishi_flows.api, which itself loads Prefect only when called."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import REPO

LIBRARY = REPO / "src" / "meishi"


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at module level or inside a function."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def test_the_library_never_imports_prefect():
    offenders = {
        str(p.relative_to(REPO)): n
        for p in LIBRARY.rglob("*.py")
        for n in _imports(p)
        if n == "prefect" or n.startswith("prefect.")
    }
    assert offenders == {}


def test_only_the_cli_reaches_the_flows_and_only_through_their_api():
    reach = {
        (str(p.relative_to(REPO)), n)
        for p in LIBRARY.rglob("*.py")
        for n in _imports(p)
        if n.split(".")[0] == "meishi_flows"
    }
    assert reach == {
        # `from meishi_flows import api as flows` in each command that needs the flows
        ("src/meishi/cli.py", "meishi_flows"),
        ("src/meishi/cli.py", "meishi_flows.api"),
        # the type of `_local_server()`, for mypy only
        ("src/meishi/cli.py", "meishi_flows.api.PrefectServer"),
    }


def test_importing_the_library_and_the_seam_loads_no_prefect():
    code = (
        "import pkgutil, importlib, sys, meishi\n"
        "for m in pkgutil.walk_packages(meishi.__path__, 'meishi.'):\n"
        "    if '.migrations' not in m.name:\n"
        "        importlib.import_module(m.name)\n"
        "import meishi_flows.api\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip() == "[]"
