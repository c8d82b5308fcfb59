"""What a cold start compiles: every Numba kernel of a first CNN fit, with its compile time.

Runs the start-up workload of ``bench_startup.py`` (a small CNN with batch norm and
dropout on 200 digits, one epoch, then predict) in a fresh process whose Numba cache is an
empty directory, so every kernel compiles as on a fresh install, and records Numba's
``numba:compile`` events. A kernel compiled inside another (an inlined or called helper)
counts in the outer one's time and is listed indented.

    python benchmarks/compile_times.py [--mlp] [--write docs/benchmarks.md]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

WORKLOAD = {
    "cnn": ('CNNClassifier(input_shape=(1, 8, 8), filters=(8, 16), pooling="max", '
            'batch_norm=True, dropout=0.2, max_iter=1, random_state=0)'),
    "mlp": "MLPClassifier((64,), max_iter=1, random_state=0)",
}

SCRIPT = """
import json, sys, time
from numba.core import event

records, depth = [], [0]

class Listener(event.Listener):
    def on_start(self, ev):
        depth[0] += 1
        ev.data["start"] = time.perf_counter()
        ev.data["depth"] = depth[0]

    def on_end(self, ev):
        depth[0] -= 1
        name = ev.data["dispatcher"].py_func
        records.append({"kernel": f"{name.__module__}.{name.__qualname__}",
                        "seconds": time.perf_counter() - ev.data["start"],
                        "depth": ev.data["depth"] - 1})

start = time.perf_counter()
event.register("numba:compile", Listener())
from sklearn.datasets import load_digits
from skdeep import CNNClassifier, MLPClassifier
X, y = load_digits(return_X_y=True)
model = %s.fit(X[:200] / 16, y[:200])
model.predict(X[:10] / 16)
print(json.dumps({"total": time.perf_counter() - start, "records": records}))
"""


def cold_run(workload):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-W", "ignore", "-c",
                              SCRIPT % WORKLOAD[workload]], env=env, check=True,
                             capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(result):
    records = result["records"]
    outer = [r for r in records if r["depth"] == 0]
    compiling = sum(r["seconds"] for r in outer)
    lines = [f"Import, first fit and predict with an empty Numba cache: "
             f"**{result['total']:.1f} s**, of which {compiling:.1f} s compiling "
             f"{len(outer)} kernels.", "",
             "| kernel | compile time (s) |", "|---|---|"]
    for r in sorted(outer, key=lambda r: -r["seconds"]):
        name = r["kernel"].replace("skdeep.ops.cpu.", "")
        lines.append(f"| `{name}` | {r['seconds']:.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlp", action="store_true", help="the MLP workload instead")
    parser.add_argument("--write", metavar="MARKDOWN")
    args = parser.parse_args()
    workload = "mlp" if args.mlp else "cnn"
    text = table(cold_run(workload))
    print(text)
    if args.write:
        from _report import replace_section

        title = f"Compile time of a cold start ({workload.upper()})"
        command = "python benchmarks/compile_times.py" + (" --mlp" if args.mlp else "")
        replace_section(args.write, title, text + f"\n\nMeasured with `{command}`.")


if __name__ == "__main__":
    main()
