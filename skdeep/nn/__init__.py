"""What is trained: layers, the network, activations, initializers, losses, optimizers,
schedules. Knows nothing of scikit-learn."""

from .context import ForwardContext
from .network import Network

__all__ = ["ForwardContext", "Network"]
