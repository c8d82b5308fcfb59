"""Every Python code block in README.md and docs/ runs as written. Blocks of one page run
in order in one namespace (a page builds on its earlier blocks); a block that needs a GPU
or a cluster is preceded by ``<!-- docs-test: skip (reason) -->`` and skipped."""

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# docs/generated/ is the gallery's output: its scripts (docs/examples/) run when the site builds.
PAGES = [ROOT / "README.md", *sorted(path for path in (ROOT / "docs").rglob("*.md")
                                     if "generated" not in path.relative_to(ROOT).parts)]
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]*)\)\s*-->")


def python_blocks(text):
    """``(line, code, skip_reason)`` of each fenced Python block of a Markdown text."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            start = i + 1
            end = next(j for j in range(start, len(lines)) if lines[j].strip() == "```")
            before = lines[i - 1] if i else ""
            match = SKIP.search(before)
            blocks.append((start + 1, "\n".join(lines[start:end]),
                           match.group("reason") if match else None))
            i = end
        i += 1
    return blocks


def test_the_block_reader_finds_blocks_and_skip_marks():
    text = ("x\n```python\na = 1\n```\n<!-- docs-test: skip (needs a GPU) -->\n```python\n"
            "b = 2\n```\n```\nnot python\n```\n")
    assert python_blocks(text) == [(3, "a = 1", None), (7, "b = 2", "needs a GPU")]


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p.read_text())],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run_as_written(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    namespace = {"__name__": "__docs__"}
    ran = 0
    for line, code, skip in python_blocks(page.read_text()):
        if skip:
            compile(code, f"{page.name}:{line}", "exec")  # still valid Python
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(code, f"{page.relative_to(ROOT)}:{line}", "exec"), namespace)
        ran += 1
    if not ran:
        pytest.skip(f"every block of {page.name} needs a GPU or a cluster")
