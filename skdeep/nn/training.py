"""The training step and the epoch: what happens to one batch, and to one pass over the data.

One step is forward, loss, penalties, backward, clipping and the optimizer's update, all on
the network's backend. The estimator base (:mod:`skdeep._base`) decides how many epochs,
the learning rate, early stopping and history; it never sees a batch.
"""

from typing import NamedTuple

import numpy as np

from .context import ForwardContext


class NonFiniteLoss(FloatingPointError):
    """A batch's (or the epoch's) loss is NaN or infinite; ``value`` holds it."""

    def __init__(self, value):
        super().__init__(f"the training loss became {value}")
        self.value = value


class Regularization(NamedTuple):
    """What a step adds to the plain loss gradient."""

    l1: float = 0.0
    l2: float = 0.0
    """L2 penalty added to the gradient (0 with AdamW, whose decay is in its update)."""
    clip_norm: float | None = None
    clip_value: float | None = None


class TrainingData(NamedTuple):
    """A fit's inputs, targets, sample weights and row keys, on the network's backend."""

    X: object
    Y: object
    weights: np.ndarray | None
    """On the host: they decide the batches' shares, computed once per epoch."""
    keys: object


def training_data(network, rows, X, Y, weights, seed):
    """Put the data on the network's backend once per fit (not once per batch or epoch).

    ``rows`` are the samples as validated (one flat row each) and ``X`` the same samples in
    the layout the first layer takes. When a layer draws per-sample masks, each sample's
    key hashes its validated row, not the first layer's (channels-last) copy: the keys,
    and so the masks, stay those of skdeep 0.1.0 and do not depend on how a CNN lays out
    its maps.
    """
    backend = network.backend
    keys = backend.row_keys(rows, seed) if network.uses_row_keys else None
    return TrainingData(backend.asarray(X), backend.asarray(Y), weights, keys)


CLEAN_SUBSET_SIZE = 1000
"""Training samples on which a network with random masks is evaluated without them."""


def clean_subset(network, data, size=CLEAN_SUBSET_SIZE):
    """``(X, Y, fraction)``: at most ``size`` evenly spaced training samples (the same ones
    every epoch) and their shares of the loss, on the network's backend."""
    backend = network.backend
    n = len(data.X)
    rows = np.unique(np.linspace(0, n - 1, min(n, size)).astype(np.intp))
    weights = np.ones(len(rows)) if data.weights is None else data.weights[rows]
    if not weights.sum() > 0:
        weights = np.ones(len(rows))
    fraction = backend.asarray((weights / weights.sum()).astype(data.X.dtype))
    device_rows = backend.asarray(rows)
    return backend.take_rows(data.X, device_rows), backend.take_rows(data.Y, device_rows), fraction


class Trainer:
    """Runs epochs of mini-batch steps on a network with an optimizer.

    Parameters
    ----------
    network : Network
    optimizer : Optimizer
    regularization : Regularization
    seed : int
        Keys the random masks of the fit.
    """

    def __init__(self, network, optimizer, regularization, seed):
        self.network = network
        self.optimizer = optimizer
        self.regularization = regularization
        self.seed = seed
        self.workspace = network.backend.workspace()  # reused by every step of the fit

    def run_epoch(self, data, order, batch_size, lr, epoch, first_step, progress=None):
        """One pass over ``data`` in ``order`` (None: as it is); returns the mean training
        loss and the number of steps taken. ``progress``, when given, is called with the
        number of samples done after each step. Raises :class:`NonFiniteLoss`."""
        backend = self.network.backend
        X, Y, weights, keys = data
        batch_rows = None  # the rows of each batch, when batches are taken as they run
        if order is not None:
            weights = None if weights is None else weights[order]
            if backend.reorders_whole_epoch:
                rows = backend.asarray(order)  # on a GPU: uploaded once per epoch
                X, Y = backend.take_rows(X, rows), backend.take_rows(Y, rows)
                keys = None if keys is None else backend.take_rows(keys, rows)
            else:
                batch_rows = order
        n = len(X)
        fractions, batch_weights = epoch_fractions(weights, n, batch_size, X.dtype)
        fractions = None if fractions is None else backend.asarray(fractions)  # once per epoch
        total = backend.loss_total()
        step = first_step
        for start, batch_weight in zip(range(0, n, batch_size), batch_weights):
            if batch_weight == 0:
                continue
            batch = slice(start, start + batch_size)
            x, y, batch_keys = _batch(backend, (X, Y, keys), batch, batch_rows)
            ctx = ForwardContext(
                training=True, sample_fraction=None if fractions is None else fractions[batch],
                row_keys=batch_keys, seed=self.seed, epoch=epoch, step=step,
            )
            with self.workspace.step():
                value = self.step(x, y, ctx, lr)
                # On a GPU the value stays there (None here) and is read once per epoch.
                value = total.add(batch_weight, *value)
                if value is not None and not np.isfinite(value):
                    raise NonFiniteLoss(value)
            step += 1
            if progress is not None:
                progress(min(start + batch_size, n))
        mean = total.mean()
        if not np.isfinite(mean):
            raise NonFiniteLoss(mean)
        return mean, step - first_step

    def step(self, x, y, ctx, lr):
        """Forward, loss, penalties, backward, clipping and update on one batch. Returns the
        loss terms (floats on the CPU, one-element device arrays on a GPU)."""
        network, reg = self.network, self.regularization
        backend = network.backend
        losses = network.loss_terms(x, y, ctx.sample_fraction, ctx)
        theta, grad = network.trainable_theta, network.trainable_grad
        penalty = 0.0
        if reg.l1 or reg.l2:
            decay = slice(0, network.n_decay)
            penalty = backend.add_penalty(theta[decay], grad[decay], reg.l1, reg.l2)
        backend.clip_gradient(grad, reg.clip_norm, reg.clip_value)
        self.optimizer.step(theta, grad, lr)
        return (*losses, penalty)


def epoch_fractions(weights, n, batch_size, dtype):
    """Each sample's share of its batch's loss (None: equal shares), and each batch's
    total weight, for the batches ``[start, start + batch_size)`` of one epoch."""
    starts = range(0, n, batch_size)
    if weights is None:
        return None, [float(min(batch_size, n - start)) for start in starts]
    fractions = np.zeros(n, dtype=dtype)
    totals = []
    for start in starts:
        w = weights[start:start + batch_size]
        total = float(w.sum())
        totals.append(total)
        if total > 0:
            fractions[start:start + batch_size] = w / total
    return fractions, totals


def _batch(backend, arrays, batch, batch_rows):
    """The ``batch`` slice of each array (None stays None), or their rows
    ``batch_rows[batch]`` when the epoch's order is applied batch by batch."""
    if batch_rows is None:
        return [None if a is None else a[batch] for a in arrays]
    rows = batch_rows[batch]
    return [None if a is None else backend.take_rows(a, rows) for a in arrays]
