"""Auxiliary classifiers (GoogLeNet's): a side branch that sees an intermediate map,
predicts the target from it while training, and adds its weighted loss to the training
loss, so that gradient reaches the early layers directly (against the vanishing
gradient).

In the flat layer list an auxiliary classifier is ``[fork, its layers ..., output]``.
The fork passes its input into the branch; the output keeps the branch's raw output
(the network computes its loss) and hands the fork's input on to the main path. At
predict time the network skips the whole span: the branch never affects predictions.
Backward runs the list in reverse: the output takes the main path's gradient and starts
the branch from the gradient of its loss; the fork adds what the branch sent back to
the main path's gradient.
"""

from .base import Layer


class AuxiliaryFork(Layer):
    """Start of an auxiliary branch: keeps the input the main path goes on with."""

    label = "Auxiliary classifier"

    def forward(self, x, ctx):
        self._x = x
        return x

    def main_input(self):
        return self._x

    def keep_main_gradient(self, dy):
        self._dy_main = dy

    def backward(self, dy):
        if not self.needs_input_grad:
            return None
        return self.backend.add(self._dy_main, dy)


class AuxiliaryOutput(Layer):
    """End of an auxiliary branch: its input is the branch's raw output (one value per
    class or target); its output is the fork's input, for the main path.

    Parameters
    ----------
    fork : AuxiliaryFork
    weight : float
        Weight of this branch's loss in the training loss.
    """

    label = "Auxiliary output (training only)"

    def __init__(self, fork, weight):
        self.fork = fork
        self.weight = weight

    def forward(self, x, ctx):
        if ctx.training:
            self._raw = x
        return self.fork.main_input()

    def raw_output(self):
        """The branch's raw output of the last training forward pass."""
        return self._raw

    def set_output_gradient(self, d_raw):
        """The gradient of the weighted auxiliary loss with respect to :meth:`raw_output`."""
        self._d_raw = d_raw

    def backward(self, dy):
        self.fork.keep_main_gradient(dy)
        return self._d_raw


def inference_layers(layers):
    """``layers`` without the auxiliary branches (forks to their outputs)."""
    kept, skipping = [], None
    for layer in layers:
        if skipping is None and isinstance(layer, AuxiliaryFork):
            skipping = layer
        elif skipping is None:
            kept.append(layer)
        elif isinstance(layer, AuxiliaryOutput) and layer.fork is skipping:
            skipping = None
    return kept
