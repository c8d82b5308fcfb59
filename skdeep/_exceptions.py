"""skdeep's exceptions."""


class DivergenceError(ValueError, FloatingPointError):
    """Raised when the training loss becomes NaN or infinite."""
