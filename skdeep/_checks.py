"""Checks of hyperparameters that scikit-learn's declared constraints cannot express."""

import numpy as np


def positive_ints(value, name, length=None, wanted=None, shown=None):
    """``value`` (an int, or a sequence; ``length`` entries when given, an int then repeats)
    as a tuple of positive ints; otherwise a ValueError naming ``name``.

    ``wanted`` overrides the description of what was expected; ``shown`` what was received
    (default: ``value``). ``value=None`` is always rejected.
    """
    values = () if value is None else np.atleast_1d(np.asarray(value, dtype=object)).ravel()
    if length is not None and len(values) == 1:
        values = np.repeat(values, length)
    ok = value is not None and all(
        not isinstance(v, bool) and isinstance(v, (int, np.integer)) and v >= 1 for v in values)
    if not ok or (length is not None and len(values) != length):
        if wanted is None:
            wanted = ("positive ints" if length is None
                      else f"an int or {length} positive ints (one per block)")
        received = value if shown is None else shown
        raise ValueError(f"{name} must be {wanted}. Received: {name}={received!r}.")
    return tuple(int(v) for v in values)
