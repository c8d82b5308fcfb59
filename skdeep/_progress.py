"""Progress within an epoch (``verbose >= 2``): samples done, rate and time left, redrawn in
place on a terminal, as Keras's progress bar does. No dependency beyond the standard library."""

import sys
import time

REDRAW_SECONDS = 0.5
"""Shortest time between two redraws of the line."""


class EpochProgress:
    """One line that follows an epoch's progress; silent unless ``stream`` is a terminal.

    Parameters
    ----------
    epoch : int
        The epoch's number (from 1).
    n_samples : int
        Samples in the epoch.
    stream : file, default=sys.stdout
    """

    def __init__(self, epoch, n_samples, stream=None):
        self.epoch = epoch
        self.n_samples = n_samples
        self.stream = sys.stdout if stream is None else stream
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.last_draw = -REDRAW_SECONDS
        self.width = 0

    def update(self, done):
        """``done`` samples of the epoch are through."""
        now = time.perf_counter() - self.start
        if not self.active or now - self.last_draw < REDRAW_SECONDS:
            return
        self.last_draw = now
        self._draw(self.line(done, now))

    def line(self, done, seconds):
        """The text of the progress line after ``seconds`` with ``done`` samples."""
        rate = done / seconds if seconds > 0 else 0.0
        left = (self.n_samples - done) / rate if rate > 0 else float("nan")
        return (f"Epoch {self.epoch}: {done:,}/{self.n_samples:,} samples, "
                f"{rate:,.0f} samples/s, {left:.0f} s left")

    def close(self):
        """Erase the line (the epoch's summary line follows)."""
        if self.active and self.width:
            self._draw("")

    def _draw(self, text):
        padding = " " * max(self.width - len(text), 0)
        self.stream.write("\r" + text + padding + ("\r" if not text else ""))
        self.stream.flush()
        self.width = len(text)
