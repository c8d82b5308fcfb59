"""
# Tuning a CNN with GridSearchCV

A CNN in skdeep is a scikit-learn estimator, so `GridSearchCV` tunes it like any other: every
hyperparameter is a constructor argument, `clone` copies it, and each fit is independent and
deterministic for a fixed `random_state`. Here the search covers the pooling rule and the
number of filters of a small CNN on scikit-learn's 8x8 digits.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from skdeep import CNNClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, train_size=600, stratify=y, random_state=0
)
warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs on purpose

# %%
# ## The search
#
# Rows of 64 pixels are read as 1x8x8 images through `input_shape`. Twenty epochs are
# enough on 400 training images per fold; `n_jobs=-1` runs the folds on every core.

cnn = CNNClassifier(input_shape=(1, 8, 8), max_iter=20, batch_size=32, random_state=0)
grid = {"pooling": ["max", "avg", "stochastic"], "filters": [(8,), (8, 16), (16, 32)]}
search = GridSearchCV(cnn, grid, cv=3, n_jobs=-1).fit(X_train, y_train)

print("best:", search.best_params_, f"cross-validated accuracy {search.best_score_:.3f}")
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.3f}")

# %%
# ## Every configuration
#
# One bar per configuration; the black lines span one standard deviation over the folds.

results = search.cv_results_
fig, ax = plt.subplots(figsize=(7, 3.6))
width = 0.27
for offset, pooling in enumerate(grid["pooling"]):
    rows = [i for i, p in enumerate(results["param_pooling"]) if p == pooling]
    positions = np.arange(len(rows)) + (offset - 1) * width
    ax.bar(positions, results["mean_test_score"][rows], width,
           yerr=results["std_test_score"][rows], label=f"{pooling} pooling")
ax.set_xticks(np.arange(len(grid["filters"])), [f"filters={f}" for f in grid["filters"]])
lowest = np.min(results["mean_test_score"] - results["std_test_score"])
ax.set_ylim(max(0.0, lowest - 0.05), 1.0)
ax.set_ylabel("cross-validated accuracy")
ax.set_title("GridSearchCV over a CNN on 600 digits")
ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))  # beside the bars
fig.tight_layout()
