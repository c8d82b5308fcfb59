"""The benchmarks page's summary: every measured ratio in one table and one chart.

The ratios are read back from the page's own sections (the lines the benchmark scripts
write), so the summary cannot disagree with the measurements under it.
"""

import pathlib
import re

from _report import replace_section

RATIO = re.compile(r"^(?:Median ratio|Ratio) skdeep / (?P<anchor>.+?) fit time[^*\n]*: "
                   r"\*\*(?P<ratio>[\d.]+)\*\*", re.M)
SECTION = re.compile(r"^## (?P<title>.+)$", re.M)
SUBSECTION = re.compile(r"^### (?P<title>.+)$", re.M)
CHART = "img/benchmark_ratios.png"
INTRO = (
    "skdeep's fit time divided by its anchor's, measured in one process on the same data "
    "(lower is better; 1.0 = as fast as the anchor). Each number links to its section below, "
    "which gives the workload, the accuracy of both and the command that measures it."
)


def measured_ratios(text):
    """``(section, workload, anchor, ratio)`` for every ratio line, in page order."""
    rows = []
    sections = list(SECTION.finditer(text)) + [None]
    for start, end in zip(sections, sections[1:]):
        if start.group("title") == "Summary":
            continue
        body = text[start.end(): end.start() if end else len(text)]
        for match in RATIO.finditer(body):
            workloads = [m for m in SUBSECTION.finditer(body) if m.start() < match.start()]
            workload = workloads[-1].group("title") if workloads else start.group("title")
            rows.append((start.group("title"), workload, match.group("anchor"),
                         float(match.group("ratio"))))
    return rows


def anchor_link(section):
    slug = re.sub(r"[^a-z0-9 -]", "", section.lower()).replace(" ", "-")
    return f"[{section}](#{slug})"


def draw_chart(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{workload}\nvs {anchor}" for _, workload, anchor, _ in rows]
    ratios = [ratio for *_, ratio in rows]
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(rows) + 1.2))
    colors = ["C2" if ratio <= 1.0 else "C3" for ratio in ratios]
    ax.barh(range(len(rows)), ratios, color=colors)
    for index, ratio in enumerate(ratios):
        ax.text(ratio + 0.03, index, f"{ratio:.2f}x", va="center", fontsize=8)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(ratios) * 1.15 + 0.1)
    ax.set_xlabel("skdeep fit time / anchor's (lower is better; green: faster)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def refresh_summary(markdown_path):
    """Rewrite the ``## Summary`` section and its chart from the page's ratio lines."""
    markdown_path = pathlib.Path(markdown_path)
    rows = measured_ratios(markdown_path.read_text())
    if not rows:
        return
    table = ["| workload | anchor | skdeep / anchor | section |", "|---|---|---|---|"]
    table += [f"| {workload} | {anchor} | **{ratio:.2f}x** | {anchor_link(section)} |"
              for section, workload, anchor, ratio in rows]
    (markdown_path.parent / CHART).parent.mkdir(exist_ok=True)
    draw_chart(rows, markdown_path.parent / CHART)
    body = "\n".join([INTRO, "", *table, "", f"![skdeep time over the anchor's]({CHART})"])
    replace_section(markdown_path, "Summary", body)


if __name__ == "__main__":
    import sys

    refresh_summary(sys.argv[1] if len(sys.argv) > 1 else "docs/benchmarks.md")
