import os

# scikit-learn's array-API estimator check is skipped unless this is set before SciPy
# is imported; set it so that check runs too.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# CUDA kernels run under Numba's CUDA simulator unless told otherwise: set it before
# numba.cuda is first imported. On a machine with a GPU, NUMBA_ENABLE_CUDASIM=0 runs the
# same tests on the GPU (and device="auto" then trains every estimator there).
os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")
