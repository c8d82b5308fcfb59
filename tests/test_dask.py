"""A grid search on a Dask cluster of two worker processes scores exactly like a serial one."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skdeep import MLPClassifier

distributed = pytest.importorskip("dask.distributed", reason="needs the 'distributed' extra")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        worker_dashboard_address=None,
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_grid_search_on_dask_matches_serial(client):
    X, y = load_digits(return_X_y=True)
    X, y = X[:400] / 16, y[:400]
    grid = {"activation": ["relu", "elu"], "dropout": [0.0, 0.25]}
    base = MLPClassifier((16,), max_iter=8, random_state=0)
    serial = GridSearchCV(base, grid, cv=3).fit(X, y)
    with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        remote = GridSearchCV(base, grid, cv=3).fit(X, y)
    workers_used = {task["worker"] for task in stream.data}
    assert len(client.scheduler_info()["workers"]) == 2
    assert len(workers_used) == 2, "the fits did not run on both Dask workers"
    for key in ["mean_test_score"] + [f"split{i}_test_score" for i in range(3)]:
        np.testing.assert_array_equal(serial.cv_results_[key], remote.cv_results_[key])
    np.testing.assert_array_equal(
        serial.best_estimator_.predict_proba(X), remote.best_estimator_.predict_proba(X)
    )
