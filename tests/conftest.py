import os

# scikit-learn's array-API estimator check is skipped unless this is set before SciPy
# is imported; set it so that check runs too.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
