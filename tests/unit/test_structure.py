"""The package's shape, checked from its source: no import cycles (imports inside functions
and under TYPE_CHECKING count too), settings read in one place, AWS SDK calls only in the
adapters."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "core" / "dwsim"
# The only modules that may import boto3/botocore: one adapter per AWS service, and the CLI's
# SigV4 signer for the API in IAM mode.
AWS_ADAPTERS = {"dwsim.metadata.dynamodb", "dwsim.objects.s3", "dwsim.executors.stepfunctions",
                "dwsim.remote.sigv4"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(), str(p)) for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _imported(tree: ast.Module, module: str) -> set[str]:
    """Every dwsim module that `module` imports, wherever the import statement stands."""
    out: set[str] = set()
    package = module if (PACKAGE.parent / module.replace(".", "/") / "__init__.py").exists() \
        else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from a import b` imports module a.b when b is a module, else a.
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        out.update(n for n in names if n.split(".")[0] == "dwsim" and n in MODULES)
    out.discard(module)
    return out


def _graph(level: str) -> dict[str, set[str]]:
    def node(name: str) -> str:
        if level == "module":
            return name
        parts = name.split(".")
        return ".".join(parts[:2])  # dwsim.<package>, or a top-level module

    graph: dict[str, set[str]] = defaultdict(set)
    for module, tree in MODULES.items():
        for target in _imported(tree, module):
            a, b = node(module), node(target)
            if a != b:
                graph[a].add(b)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("level", ["module", "package"])
def test_there_are_no_import_cycles(level):
    assert _cycles(_graph(level)) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_inside_functions_are_seen():
    tree = ast.parse("def f():\n    from dwsim.runs import steps\n")
    assert _imported(tree, "dwsim.example") == {"dwsim.runs.steps"}


def test_only_settings_reads_the_environment():
    readers = sorted(m for m, tree in MODULES.items() if m != "dwsim.settings" and any(
        isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv")
        and isinstance(n.value, ast.Name) and n.value.id == "os" for n in ast.walk(tree)))
    assert readers == []


def test_only_the_aws_adapters_import_the_aws_sdk():
    users = set()
    for module, tree in MODULES.items():
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] in ("boto3", "botocore") for n in names):
                users.add(module)
    assert users == AWS_ADAPTERS


def test_the_docs_point_only_inside_the_repository():
    root = PACKAGE.parents[2]
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = doc.read_text()
        assert "../shared" not in text and "](../" not in text, doc
        for target in re.findall(r"\]\(([^)#:]+)\)", text):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
