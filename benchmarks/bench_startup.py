"""Start-up cost of a fresh process: what a GridSearchCV worker pays before its first fit.

Each round starts a new Python process that imports scikit-learn, then imports skdeep and
fits (and predicts with) a small CNN on 200 digits, and reports the two durations. The
first round may compile the Numba kernels into the on-disk cache; later rounds load them.

    python benchmarks/bench_startup.py --repeats 5 --write docs/benchmarks.md
"""

import argparse
import json
import statistics
import subprocess
import sys

from _report import replace_section

SCRIPT = """
import json, time
start = time.perf_counter()
import sklearn, sklearn.model_selection
after_sklearn = time.perf_counter()
import numpy as np
from sklearn.datasets import load_digits
from skdeep import CNNClassifier
X, y = load_digits(return_X_y=True)
clf = CNNClassifier(input_shape=(1, 8, 8), filters=(8, 16), pooling="max", batch_norm=True,
                    max_iter=1, random_state=0).fit(X[:200] / 16, y[:200])
clf.predict(X[:10] / 16)
done = time.perf_counter()
print(json.dumps({"sklearn": after_sklearn - start, "skdeep": done - after_sklearn}))
"""


def one_round():
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", SCRIPT], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", metavar="MARKDOWN")
    args = parser.parse_args()
    first = one_round()
    print(f"first round (may compile): import sklearn {first['sklearn']:.2f} s, "
          f"skdeep import + first CNN fit {first['skdeep']:.2f} s")
    rounds = [one_round() for _ in range(args.repeats)]
    for r in rounds:
        print(f"import sklearn {r['sklearn']:.2f} s, "
              f"skdeep import + first CNN fit {r['skdeep']:.2f} s")
    sk = statistics.median(r["sklearn"] for r in rounds)
    extra = statistics.median(r["skdeep"] for r in rounds)
    text = (f"A fresh process (what every GridSearchCV worker is), kernels in Numba's disk cache: "
            f"`import sklearn` takes {sk:.2f} s; importing skdeep and fitting and predicting a "
            f"small CNN (2 conv blocks, batch norm, 1 epoch on 200 digits) then takes "
            f"**{extra:.2f} s more** (median of {args.repeats} processes; limit 2 s). "
            f"Measured with `python benchmarks/bench_startup.py --repeats {args.repeats}`.")
    print(text)
    if args.write:
        replace_section(args.write, "Start-up of a fresh process", text)


if __name__ == "__main__":
    main()
