"""The benchmarks page's summary table agrees with the measured ratios under it."""

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _summary import measured_ratios  # noqa: E402

PAGE = """# Benchmarks

## Summary

old

## MLP

Median ratio skdeep / scikit-learn fit time: **0.51** (per round: 0.49).

## CNN on a GPU

### (a) LeNet-5

Median ratio skdeep / PyTorch CUDA, TF32 off fit time: **2.54** (rounds: 2.42).

Median ratio skdeep / PyTorch CUDA, default fit time: **1.87** (rounds: 1.87).

## Fashion-MNIST at full size

### MLP (256, 128), 5 epochs

Ratio skdeep / scikit-learn fit time (fastest round each): **0.62**; peak memory 1.90x.
"""


def test_measured_ratios_reads_every_ratio_line_with_its_workload():
    assert measured_ratios(PAGE) == [
        ("MLP", "MLP", "scikit-learn", 0.51),
        ("CNN on a GPU", "(a) LeNet-5", "PyTorch CUDA, TF32 off", 2.54),
        ("CNN on a GPU", "(a) LeNet-5", "PyTorch CUDA, default", 1.87),
        ("Fashion-MNIST at full size", "MLP (256, 128), 5 epochs", "scikit-learn", 0.62),
    ]


@pytest.mark.parametrize("row", measured_ratios((ROOT / "docs/benchmarks.md").read_text()))
def test_the_published_summary_lists_every_measured_ratio(row):
    text = (ROOT / "docs/benchmarks.md").read_text()
    summary = text[text.index("## Summary"): text.index("\n## ", text.index("## Summary"))]
    _, workload, anchor, ratio = row
    assert f"| {workload} | {anchor} | **{ratio:.2f}x** |" in summary
