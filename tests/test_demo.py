"""``python -m skdeep`` runs and prints its table."""

from skdeep.__main__ import GRID, main
from skdeep.ops.cuda.support import gpu_visible


def test_demo_prints_a_row_per_configuration(capsys):
    search = main(["--max-iter", "3", "--cnn-epochs", "2"])
    out = capsys.readouterr().out
    n_configs = len(GRID["activation"]) * len(GRID["optimizer"]) * len(GRID["dropout"])
    assert len(search.cv_results_["params"]) == n_configs
    rows = [line for line in out.splitlines() if line.split()[:1] in (["relu"], ["tanh"], ["elu"])]
    assert len(rows) == n_configs
    assert "Held-out accuracy of the best model" in out
    assert "Held-out accuracy of the CNN" in out
    # device="auto": the GPU where one is visible (the simulator does not count)
    assert f"training on the {'GPU' if gpu_visible() else 'CPU'}" in out


def test_help_is_plain_text_and_mentions_both_parts(capsys):
    import pytest

    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert "``" not in text and ":class:" not in text
    assert "MLPClassifier" in text and "CNNClassifier" in text


def test_device_cuda_without_a_gpu_is_one_line_and_status_2():
    import os
    import subprocess
    import sys

    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="0", CUDA_VISIBLE_DEVICES="")
    done = subprocess.run([sys.executable, "-m", "skdeep", "--device", "cuda"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "device='cuda'" in done.stderr and "Traceback" not in done.stderr
