"""Layer stacks the estimators assemble from their hyperparameters."""

from .layers import Activation, BatchNorm, Dense, Dropout, Maxout

MAXOUT_PIECES = 2


def dense_stack(n_in, hidden_layer_sizes, n_out, *, activation, batch_norm=False,
                dropout=0.0, dropconnect=0.0, first_layer_id=0):
    """Hidden dense layers followed by a linear output layer.

    Each hidden layer is ``Dense -> [BatchNorm] -> activation -> [Dropout]``. With
    ``activation="maxout"`` a hidden layer of ``units`` computes ``MAXOUT_PIECES * units``
    linear pieces and keeps the maximum of each group. DropConnect applies to hidden dense
    layers only; the output layer is never dropped.

    Parameters
    ----------
    n_in : int
        Input width.
    hidden_layer_sizes : tuple of int
    n_out : int
        Output width (raw outputs: the loss applies the link).
    activation : str
    batch_norm : bool
    dropout, dropconnect : float
    first_layer_id : int
        Id of the first layer: ids key the random masks of each layer.

    Returns
    -------
    layers : list of Layer
    """
    pieces = MAXOUT_PIECES if activation == "maxout" else 1
    layers = []
    layer_id = first_layer_id
    for units in hidden_layer_sizes:
        layers.append(Dense(n_in, units * pieces, dropconnect, layer_id))
        if batch_norm:
            layers.append(BatchNorm(units * pieces))
        layers.append(Maxout(pieces) if pieces > 1 else Activation(activation))
        if dropout:
            layers.append(Dropout(dropout, layer_id))
        n_in = units
        layer_id += 1
    layers.append(Dense(n_in, n_out, 0.0, layer_id))
    return layers
