"""The layout the code promises (CONTRIBUTING.md): no import cycle, backends with the same
interface, CPU and CUDA kernels side by side, registries complete in both backends."""

import ast
import inspect
from pathlib import Path

import pytest

import skdeep

PACKAGE = Path(skdeep.__file__).parent


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(path):
    """skdeep modules that ``path`` imports when it is itself imported (imports inside
    functions run later and are left out)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("skdeep")}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            if not target.startswith("skdeep"):
                continue
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def _import_graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = {t for t in _module_level_imports(path) if t in modules}
        # importing a.b.c imports the packages a and a.b first (except the packages that
        # hold the importing module: their import is already under way)
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        for target in list(targets):
            parts = target.split(".")
            targets |= {".".join(parts[:i]) for i in range(1, len(parts))} & set(modules)
        graph[name] = targets - {name} - ancestors
    return graph


def _find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_import_graph_finds_a_planted_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_level_import_cycle_in_skdeep():
    graph = _import_graph()
    assert len(graph) > 40
    assert _find_cycle(graph) is None


def test_nn_imports_nothing_from_backends_and_ops_nothing_from_nn():
    graph = _import_graph()
    for module, targets in graph.items():
        if module.startswith("skdeep.nn"):
            assert not {t for t in targets if t.startswith("skdeep.backends")}, module
        if module.startswith("skdeep.ops"):
            upward = ("skdeep.nn", "skdeep.backends")
            assert not {t for t in targets if t.startswith(upward)}, module


def _public_members(cls):
    return {name for name in dir(cls) if not name.startswith("_")}


def test_both_backends_implement_the_whole_interface_with_the_same_signatures():
    from skdeep.backends.base import Backend
    from skdeep.backends.cpu import CPUBackend
    from skdeep.backends.cuda import CUDABackend

    assert not CPUBackend.__abstractmethods__ and not CUDABackend.__abstractmethods__
    assert _public_members(CPUBackend) == _public_members(CUDABackend) == _public_members(Backend)
    for name in Backend.__abstractmethods__ - {"updates"}:
        expected = list(inspect.signature(getattr(Backend, name)).parameters)[1:]
        for backend in (CPUBackend(), CUDABackend()):
            got = inspect.signature(getattr(backend, name)).parameters.values()
            required = [p for p in got if p.default is inspect.Parameter.empty]
            # every argument of the interface is taken, and nothing more is required
            assert len(required) <= len(expected) <= len(got), (type(backend).__name__, name)


MIRRORED = {"activations", "augment", "conv", "dense", "losses", "masks", "nchw", "norm",
            "optimizers", "pool", "random", "reduce", "shortcut"}


def test_cpu_and_cuda_kernels_sit_in_files_of_the_same_name():
    cpu = {p.stem for p in (PACKAGE / "ops" / "cpu").glob("*.py")}
    cuda = {p.stem for p in (PACKAGE / "ops" / "cuda").glob("*.py")}
    assert MIRRORED <= cpu & cuda


def test_both_backends_have_the_same_optimizer_updates():
    from skdeep.backends.cpu import CPU
    from skdeep.backends.cuda import CUDABackend

    def updates(module):
        return {name for name, value in vars(module).items() if callable(value)
                and not name.startswith("_") and value.__module__ == module.__name__}

    expected = {"sgd_step", "adam_step", "scale"}
    assert updates(CPU.updates) == updates(CUDABackend.updates) >= expected


def test_every_registry_entry_has_kernels_in_both_backends():
    from skdeep.nn.activations import ACTIVATIONS
    from skdeep.nn.losses import LOSSES
    from skdeep.nn.optimizers import OPTIMIZERS
    from skdeep.ops.cpu import activations as cpu_activations
    from skdeep.ops.cpu import losses as cpu_losses
    from skdeep.ops.cuda import activations as cuda_activations
    from skdeep.ops.cuda import losses as cuda_losses

    elementwise = {name for name, a in ACTIVATIONS.items() if a.elementwise}
    assert elementwise == set(cpu_activations.ACTIVATIONS) == set(cuda_activations.ACTIVATION_KINDS)
    assert set(LOSSES) == set(cpu_losses.LOSSES) == set(cuda_losses.LOSS_KINDS)
    for record in OPTIMIZERS.values():
        assert record.learning_rate > 0
        assert set(record.fixed) <= set(record.cls.hyperparameters)


@pytest.mark.parametrize("copied", ["LEAKY_RELU_SLOPE = ", "ELU_ALPHA = ", "HUBER_DELTA = ",
                                    "def mix(", "def uniform(", "def _as_dtype(",
                                    "def _typed("])
def test_constants_and_device_functions_are_defined_once(copied):
    sources = [p for p in PACKAGE.rglob("*.py") if copied in p.read_text()]
    assert len(sources) <= 1, sources


def test_every_folder_of_code_is_a_package_that_setuptools_installs():
    from setuptools import find_packages

    folders = {p.parent for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    missing = [f for f in folders if not (f / "__init__.py").exists()]
    assert not missing
    found = set(find_packages(str(PACKAGE.parent), include=["skdeep*"]))
    assert {_module_name(f / "__init__.py") for f in folders} <= found


def test_reading_data_imports_neither_scikit_learn_nor_numba():
    # skdeep's estimators and kernels load on first use: a process that only reads data
    # (a benchmark's PyTorch worker, a data-preparation script) holds NumPy alone.
    import subprocess
    import sys

    code = ("import sys, skdeep.datasets; "
            "print(sorted(m for m in ('sklearn', 'numba', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"


def test_public_names_load_on_first_use():
    from skdeep._mlp import MLPClassifier
    from skdeep.ops import conv2d

    assert skdeep.MLPClassifier is MLPClassifier
    assert skdeep.ops.conv2d is conv2d
    assert set(skdeep.__all__) <= set(dir(skdeep))
    with pytest.raises(AttributeError, match="no attribute 'MLPClasifier'"):
        skdeep.MLPClasifier  # noqa: B018
