"""What a forward pass needs to know besides its input."""

from dataclasses import dataclass

import numpy as np


@dataclass
class ForwardContext:
    """Per-batch facts shared by all layers of one forward pass.

    Attributes
    ----------
    training : bool
        True while fitting: dropout is active, batch norm uses batch statistics and
        layers keep what their backward pass needs. False at predict time.
    sample_fraction : ndarray of shape (n_samples,) or None
        Each sample's share of the batch loss (weights normalized to sum to one);
        None means equal shares. Batch norm weighs its statistics with it.
    row_keys : ndarray of shape (n_samples,), dtype uint64, or None
        Content hashes of the samples, which key their dropout masks.
    seed : int
        The fit's seed for random masks.
    epoch : int
        Epoch counter (keys dropout masks).
    step : int
        Optimizer step counter (keys DropConnect masks).
    """

    training: bool = False
    sample_fraction: np.ndarray | None = None
    row_keys: np.ndarray | None = None
    seed: int = 0
    epoch: int = 0
    step: int = 0


INFERENCE = ForwardContext()
