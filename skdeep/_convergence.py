"""When to stop: no-improvement counting, early stopping's best weights, plateau decay."""

from .nn.schedules import PLATEAU_FACTOR, PLATEAU_MIN_LR


class ConvergenceMonitor:
    """Tracks progress epoch by epoch, as scikit-learn's MLP does.

    Without early stopping an epoch "improves" when the training loss falls below the best
    so far by more than ``tol``; with early stopping, when the validation score rises above
    the best by more than ``tol``. After more than ``n_iter_no_change`` epochs in a row
    without improvement, training stops, or with ``plateau=True`` the learning rate is
    divided by ``PLATEAU_FACTOR`` and counting starts again (until the rate is tiny).

    For a network that draws random masks while training (dropout, DropConnect, stochastic
    pooling, augmentation), one epoch's training loss is a noisy estimate: a lucky epoch
    sets a best that later epochs rarely beat, and training would stop while the network
    still improves. :meth:`update` then takes ``clean_loss``, the loss of the network
    without masks on a fixed set of training samples (deterministic from epoch to epoch),
    and judges progress on it.

    With early stopping it keeps a snapshot of the network at the best validation score.
    """

    def __init__(self, tol, n_iter_no_change, early_stopping, plateau, learning_rate):
        self.learning_rate = learning_rate
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.plateau = plateau
        self.best_loss = float("inf")
        self.best_score = -float("inf")
        self.best_clean_loss = float("inf")
        self.best_snapshot = None
        self.no_improvement = 0
        self.lr_factor = 1.0

    def update(self, loss, score, network, clean_loss=None):
        """Record one epoch. Returns True when training should stop."""
        if self.early_stopping:
            improved = score > self.best_score + self.tol
            if score > self.best_score:
                self.best_score = score
                self.best_snapshot = network.snapshot()
        elif clean_loss is not None:
            improved = clean_loss < self.best_clean_loss - self.tol
            self.best_clean_loss = min(self.best_clean_loss, clean_loss)
        else:
            improved = loss < self.best_loss - self.tol
        self.best_loss = min(self.best_loss, loss)
        self.no_improvement = 0 if improved else self.no_improvement + 1
        if self.no_improvement <= self.n_iter_no_change:
            return False
        if self.plateau and self.learning_rate * self.lr_factor > PLATEAU_MIN_LR:
            self.lr_factor /= PLATEAU_FACTOR
            self.no_improvement = 0
            return False
        return True
