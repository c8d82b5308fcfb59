"""
# Successive halving: epochs only for promising configurations

"Cross-validating one model took an hour" is the usual complaint about neural networks in
scikit-learn. Most of that hour goes to configurations that a few epochs would have shown to
be poor. `HalvingRandomSearchCV` with `resource="max_iter"` treats epochs as the budget: every
candidate trains a few epochs, the best third trains three times longer, and so on, so only
the last few candidates get the full training.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingRandomSearchCV, train_test_split

from skdeep import CNNClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, train_size=600, stratify=y, random_state=0
)
warnings.simplefilter("ignore", ConvergenceWarning)  # short budgets on purpose

# %%
# ## The search
#
# 27 random configurations of a small CNN; 3, then 9, then 27 epochs (`factor=3`).

cnn = CNNClassifier(input_shape=(1, 8, 8), batch_size=32, random_state=0)
distributions = {
    "filters": [(8,), (8, 16), (16, 32)],
    "pooling": ["max", "avg"],
    "optimizer": ["adam", "sgd", "rmsprop"],
    "learning_rate": loguniform(1e-4, 1e-1),
    "dropout": [0.0, 0.3],
}
search = HalvingRandomSearchCV(
    cnn, distributions, n_candidates=27, resource="max_iter", min_resources=3,
    max_resources=27, factor=3, cv=3, random_state=0, n_jobs=-1,
).fit(X_train, y_train)

epochs = np.array(search.n_resources_) * np.array(search.n_candidates_)
print("candidates per round:", search.n_candidates_, "epochs each:", search.n_resources_)
print(f"epochs trained (per fold): {epochs.sum()}, against "
      f"{search.n_candidates_[0] * search.max_resources_} for every candidate at full length")
print("best:", search.best_params_)
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.3f}")

# %%
# ## Each candidate, round by round
#
# One line per candidate that reached a later round; the dots of the first round are the
# candidates dropped after 3 epochs.

results = search.cv_results_
fig, ax = plt.subplots(figsize=(7, 3.8))
def without_budget(params):
    return str({name: value for name, value in params.items() if name != "max_iter"})


for candidate in {without_budget(params) for params in results["params"]}:
    rows = [i for i, p in enumerate(results["params"]) if without_budget(p) == candidate]
    ax.plot(results["n_resources"][rows], results["mean_test_score"][rows], "o-", alpha=0.6)
ax.set_xscale("log", base=3)
ax.set_xticks(search.n_resources_, [str(r) for r in search.n_resources_])
ax.set(xlabel="epochs (max_iter) in the round", ylabel="mean CV accuracy",
       title="HalvingRandomSearchCV over a CNN, 27 candidates")
fig.tight_layout()
