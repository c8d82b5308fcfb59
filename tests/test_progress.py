"""verbose=2 shows progress within an epoch on a terminal, and stays silent elsewhere."""

import io

import numpy as np

from skdeep import MLPClassifier
from skdeep._progress import EpochProgress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_line_counts_samples_rate_and_time_left():
    progress = EpochProgress(3, 60000, stream=_Terminal())
    line = progress.line(12000, 4.0)
    assert line == "Epoch 3: 12,000/60,000 samples, 3,000 samples/s, 16 s left"


def test_progress_is_drawn_on_a_terminal_and_erased_at_the_end():
    terminal = _Terminal()
    progress = EpochProgress(1, 1000, stream=terminal)
    progress.last_draw = -10.0
    progress.update(500)
    drawn = terminal.getvalue()
    assert drawn.startswith("\rEpoch 1: 500/1,000 samples")
    progress.close()
    assert terminal.getvalue().endswith("\r") and len(terminal.getvalue()) > len(drawn)


def test_progress_is_silent_when_not_a_terminal():
    stream = io.StringIO()
    progress = EpochProgress(1, 1000, stream=stream)
    progress.update(500)
    progress.close()
    assert stream.getvalue() == ""


def test_verbose_2_reports_every_step_to_the_progress_line(monkeypatch):
    seen = []
    monkeypatch.setattr(EpochProgress, "update", lambda self, done: seen.append(done))
    X, y = np.random.default_rng(0).standard_normal((50, 3)), np.arange(50) % 2
    MLPClassifier((4,), batch_size=20, max_iter=2, verbose=2, random_state=0,
                  device="cpu").fit(X, y)
    assert seen == [20, 40, 50, 20, 40, 50]
