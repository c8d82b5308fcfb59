"""``python -m skdeep`` runs and prints its table."""

from skdeep.__main__ import GRID, main


def test_demo_prints_a_row_per_configuration(capsys):
    search = main(["--max-iter", "3", "--cnn-epochs", "2"])
    out = capsys.readouterr().out
    n_configs = len(GRID["activation"]) * len(GRID["optimizer"]) * len(GRID["dropout"])
    assert len(search.cv_results_["params"]) == n_configs
    rows = [line for line in out.splitlines() if line.split()[:1] in (["relu"], ["tanh"], ["elu"])]
    assert len(rows) == n_configs
    assert "Held-out accuracy of the best model" in out
    assert "Held-out accuracy of the CNN" in out
    assert "training on the CPU" in out  # no GPU here (the simulator does not count)
