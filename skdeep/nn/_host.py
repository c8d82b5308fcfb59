"""The host (CPU) backend, imported when first asked for: ``skdeep.nn`` imports nothing
from :mod:`skdeep.backends` at module level, so the backends may import ``nn``'s neighbours
without a cycle."""


def host_backend():
    """The CPU backend, where fitted models and unpickled networks keep their arrays."""
    from ..backends.cpu import CPU

    return CPU
