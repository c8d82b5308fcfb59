"""
# A search on a Dask cluster

When a search outgrows one machine, joblib's Dask backend sends every fit of the search to
the workers of a Dask cluster. skdeep estimators pickle cleanly and a fit depends only on
its data and `random_state`, so the search on the cluster scores every split exactly as a
search on one core does. Here the cluster is two local worker processes; on a real one,
connect with `Client("tcp://scheduler-address:8786")` instead.
"""

import time
import warnings

import joblib
import matplotlib.pyplot as plt
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs on purpose
grid = {"activation": ["relu", "elu", "maxout"], "dropout": [0.0, 0.2],
        "optimizer": ["adam", "nesterov"]}


def make_search():
    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=50, random_state=0)
    return GridSearchCV(model, grid, cv=3)


# %%
# ## The same search, on one core and on the cluster
#
# Worker processes import the script that starts them, so the part that starts the cluster
# goes under `if __name__ == "__main__":`.


def search_on_dask(n_workers=2):
    """The search with every fit a task on a local Dask cluster; also its time and workers."""
    with LocalCluster(n_workers=n_workers, threads_per_worker=1) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter()
        with joblib.parallel_backend("dask"):
            search = make_search().fit(X, y)
        return search, time.perf_counter() - start, len(client.scheduler_info()["workers"])


if __name__ == "__main__":
    start = time.perf_counter()
    serial = make_search().fit(X, y)
    serial_seconds = time.perf_counter() - start
    distributed, dask_seconds, workers = search_on_dask()

    print(f"one core: {serial_seconds:.1f} s; Dask, {workers} workers: {dask_seconds:.1f} s")
    print("best:", distributed.best_params_, f"{distributed.best_score_:.3f}")
    identical = np.array_equal(serial.cv_results_["mean_test_score"],
                               distributed.cv_results_["mean_test_score"])
    print("every configuration scored identically:", identical)

# %%
# ## Scores per configuration
#
# The two searches' scores lie on the diagonal: the cluster changed where the fits ran,
# not what they computed.

if __name__ == "__main__":
    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    ax.plot(serial.cv_results_["mean_test_score"],
            distributed.cv_results_["mean_test_score"], "o", alpha=0.7)
    scores = serial.cv_results_["mean_test_score"]
    low, high = scores.min() - 0.005, scores.max() + 0.005
    ax.plot([low, high], [low, high], color="grey", lw=0.8)
    ax.set(xlabel="mean CV accuracy, one core", ylabel="mean CV accuracy, Dask",
           title=f"{len(serial.cv_results_['params'])} configurations x 3 folds")
    fig.tight_layout()
