"""
# Optimizers and the learning rate

Every optimizer has a learning rate, and how much the result depends on it is what tells
them apart in practice. Plain SGD moves each weight by the same multiple of its gradient, so
the right rate depends on the scale of the problem; momentum and Nesterov add velocity;
AdaGrad, AdaDelta, RMSprop and Adam divide by a running size of each weight's gradients,
which makes them forgiving. This example fits the same MLP with each optimizer over a range
of learning rates and plots where each ends.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skdeep import DivergenceError, MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs on purpose

# %%
# ## Final training loss against the learning rate
#
# 20 epochs of an MLP (64, 64) with batch size 64. A fit whose loss becomes NaN raises
# `DivergenceError`: those points are drawn at the top of the plot. The printout also gives
# the loss with the default, `learning_rate="auto"`: each optimizer's customary rate
# (0.01 for SGD, momentum, Nesterov and AdaGrad, 1 for AdaDelta, 1e-3 for RMSprop and Adam).

rates = np.logspace(-4, 0, 9)
fig, ax = plt.subplots(figsize=(7, 4))
styles = ["o-", "s--", "^:", "D-", "v-", "P-", "*-"]  # momentum and Nesterov nearly coincide
optimizers = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
for optimizer, style in zip(optimizers, styles):
    losses = []
    for rate in rates:
        model = MLPClassifier((64, 64), optimizer=optimizer, learning_rate=rate, max_iter=20,
                              batch_size=64, n_iter_no_change=20, random_state=0)
        try:
            losses.append(model.fit(X, y).loss_)
        except DivergenceError:
            losses.append(np.nan)
    losses = np.array(losses)
    ax.loglog(rates, np.where(np.isnan(losses), 10.0, losses), style, label=optimizer)
    auto = MLPClassifier((64, 64), optimizer=optimizer, max_iter=20, batch_size=64,
                         n_iter_no_change=20, random_state=0).fit(X, y)
    print(f"{optimizer:>9}: lowest loss {np.nanmin(losses):.3f} at rate "
          f"{rates[np.nanargmin(losses)]:.0e}; learning_rate='auto': loss {auto.loss_:.3f}")
ax.axhline(10.0, color="grey", lw=0.5)
ax.set(xlabel="learning rate", ylabel="training loss after 20 epochs (10 = diverged)",
       title="Optimizers on digits, MLP (64, 64)")
ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
fig.tight_layout()

# %%
# SGD without momentum needs a large rate and is slow below it; the adaptive methods reach
# a low loss over a wider range.
