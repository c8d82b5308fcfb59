"""Start-up cost of a fresh process: what a new install and every GridSearchCV worker pay
before their first fit.

Each round starts a new Python process that imports scikit-learn, then imports skdeep,
then fits (and predicts with) small networks on 200 digits: an MLP (64 units, 1 epoch),
then a CNN (2 conv blocks, batch norm, dropout, 1 epoch). *Cold* rounds give the process
an empty Numba cache directory (``NUMBA_CACHE_DIR``), so every kernel compiles as on a
fresh install;
*warm* rounds use the normal cache, which the first round fills.

    python benchmarks/bench_startup.py --repeats 5 --write docs/benchmarks.md
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from _report import replace_section

SCRIPT = """
import json, time
start = time.perf_counter()
import sklearn, sklearn.model_selection
after_sklearn = time.perf_counter()
import numpy as np
from sklearn.datasets import load_digits
from skdeep import CNNClassifier, MLPClassifier
X, y = load_digits(return_X_y=True)
X = X / 16
after_import = time.perf_counter()
MLPClassifier((64,), max_iter=1, random_state=0).fit(X[:200], y[:200]).predict(X[:10])
after_mlp = time.perf_counter()
clf = CNNClassifier(input_shape=(1, 8, 8), filters=(8, 16), pooling="max", batch_norm=True,
                    dropout=0.2, max_iter=1, random_state=0).fit(X[:200], y[:200])
clf.predict(X[:10])
done = time.perf_counter()
print(json.dumps({"sklearn": after_sklearn - start, "import": after_import - after_sklearn,
                  "mlp": after_mlp - after_import, "cnn": done - after_mlp}))
"""


def one_round(cold):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache) if cold else os.environ
        out = subprocess.run([sys.executable, "-W", "ignore", "-c", SCRIPT], check=True,
                             capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def medians(rounds):
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cold-repeats", type=int, default=2)
    parser.add_argument("--write", metavar="MARKDOWN")
    args = parser.parse_args()
    cold = medians([one_round(cold=True) for _ in range(args.cold_repeats)])
    one_round(cold=False)  # fill the normal cache
    warm = medians([one_round(cold=False) for _ in range(args.repeats)])
    rows = ["| process | import scikit-learn | import skdeep | first MLP fit + predict | "
            "then first CNN fit + predict |", "|---|---|---|---|---|"]
    for name, r in [(f"cold: empty Numba cache (median of {args.cold_repeats})", cold),
                    (f"warm: kernels in the cache (median of {args.repeats})", warm)]:
        rows.append(f"| {name} | {r['sklearn']:.2f} s | {r['import']:.2f} s | "
                    f"**{r['mlp']:.2f} s** | **{r['cnn']:.2f} s** |")
    text = "\n".join([
        "A fresh Python process imports scikit-learn and skdeep, fits a small MLP (64 units, "
        "1 epoch on 200 digits) and predicts, then does the same with a small CNN (2 conv "
        "blocks, batch norm, dropout). A *cold* process compiles every kernel (a fresh install; "
        "`benchmarks/compile_times.py` lists them); a *warm* one loads them from Numba's disk "
        "cache (every later process, such as each GridSearchCV worker).", "", *rows, "",
        f"Measured with `python benchmarks/bench_startup.py --repeats {args.repeats}`."])
    print(text)
    if args.write:
        replace_section(args.write, "Start-up of a fresh process", text)


if __name__ == "__main__":
    main()
