"""
# Regularization against overfitting

With few training images a large network memorizes them: its training accuracy reaches 1
while the test accuracy stays behind. Penalties on the weights (L2 shrinks them all, L1
drives many to zero) and dropout (each unit is switched off at random during training, so
no unit can rely on another) trade some training fit for a smaller gap. scikit-learn's
`validation_curve` shows the trade for each strength.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ShuffleSplit, validation_curve

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs on purpose

# %%
# ## Training and validation log-loss by strength
#
# 100 training images per split (so overfitting shows), an MLP (256, 256), 300 epochs.
# The score is the log-loss, which sees what accuracy hides: an overfitted network is
# confidently wrong on the images it gets wrong.

model = MLPClassifier((256, 256), learning_rate=3e-3, max_iter=300, n_iter_no_change=300,
                      random_state=0)
splits = ShuffleSplit(n_splits=3, train_size=100, test_size=500, random_state=0)
strengths = {"l2": np.logspace(-4, 0, 5), "l1": np.logspace(-5, -1, 5),
             "dropout": np.array([0.0, 0.2, 0.4, 0.6, 0.8])}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharey=True)
for ax, (name, values) in zip(axes, strengths.items()):
    train, valid = validation_curve(model, X, y, param_name=name, param_range=values,
                                    cv=splits, scoring="neg_log_loss", n_jobs=-1)
    train, valid = -train.mean(axis=1), -valid.mean(axis=1)
    ax.plot(values, train, "C0-o", label="training")
    ax.plot(values, valid, "C1-o", label="validation")
    ax.set_xscale("linear" if name == "dropout" else "log")
    ax.set(xlabel=name, title=f"{name}: best validation {valid.min():.3f}")
    print(f"{name:>7}: validation log-loss",
          ", ".join(f"{v:g}: {s:.3f}" for v, s in zip(values, valid)))
axes[0].set_ylabel("log-loss (lower is better)")
axes[0].legend(loc="upper left")
fig.tight_layout()

# %%
# Without regularization the training loss goes to zero and the validation loss stays far
# above it. A moderate penalty lowers the validation loss; too strong a penalty raises both
# curves (the network can no longer fit even its training images). The best strength sits
# between, and a search (`GridSearchCV` over `l2`, `l1` and `dropout`) finds it the same way.
# Dropout changes little for this wide, shallow network on 100 images: the penalties do
# more here. Which regularizer helps is a question for the search, not a rule.
