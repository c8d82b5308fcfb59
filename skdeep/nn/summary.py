"""A network as a text table: one row per layer (name, output shape, parameters), as
Keras's ``model.summary()`` prints it."""

import numpy as np

from .context import INFERENCE


def layer_rows(network, sample):
    """``(name, output shape, parameter count)`` per layer, from one inference pass over
    ``sample`` (a batch of one in the layout the first layer takes). Image shapes are
    given as (channels, height, width), the layout users pass."""
    rows = []
    x = sample
    for layer in network.layers:
        x = layer.forward(x, INFERENCE)
        shape = tuple(x.shape[1:])
        if len(shape) == 3:  # channels-last inside the network
            shape = (shape[2], shape[0], shape[1])
        count = sum(int(np.prod(spec.shape)) for spec in layer.param_specs())
        rows.append((layer.label, shape, count))
    return rows


def summary_table(rows, title):
    """Format :func:`layer_rows` and their total as an aligned text table."""
    header = ("Layer", "Output shape", "Parameters")
    cells = [(name, str(shape), f"{count:,}") for name, shape, count in rows]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(3)]

    def line(row):
        return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}"

    rule = "-" * len(line(header))
    total = sum(count for *_, count in rows)
    return "\n".join([title, rule, line(header), rule, *map(line, cells), rule,
                      f"Total parameters: {total:,}"])
