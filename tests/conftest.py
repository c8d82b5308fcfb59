import os

# scikit-learn's array-API estimator check is skipped unless this is set before SciPy
# is imported; set it so that check runs too.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# CUDA kernels run under Numba's CUDA simulator unless told otherwise: set it before
# numba.cuda is first imported. On a machine with a GPU, NUMBA_ENABLE_CUDASIM=0 runs the
# same tests on the GPU (and device="auto" then trains every estimator there).
os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")


def pytest_configure(config):
    # Record the argument types of every simulated kernel launch, for test_cuda_compile.
    if os.environ["NUMBA_ENABLE_CUDASIM"] not in ("", "0"):
        from . import _kernel_signatures

        _kernel_signatures.install()


def pytest_collection_modifyitems(config, items):
    # test_cuda_compile compiles what the other tests launched: it runs last.
    items.sort(key=lambda item: item.path.name == "test_cuda_compile.py")
