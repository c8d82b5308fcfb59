"""Transfer learning: start from another fitted network's weights (``init_from``) and keep
some layers as they are (``freeze``)."""

import numpy as np
from sklearn.frozen import FrozenEstimator

from .nn.layers import Dense, inference_layers


def pretrained_estimator(init_from):
    """The fitted skdeep estimator ``init_from`` names (unwrapping a FrozenEstimator), or
    None; a ``ValueError`` naming ``init_from`` for anything else."""
    if init_from is None:
        return None
    from ._base import BaseNetwork

    source = init_from.estimator if isinstance(init_from, FrozenEstimator) else init_from
    if not isinstance(source, BaseNetwork):
        raise ValueError(
            "init_from must be a fitted skdeep estimator or a FrozenEstimator wrapping one; "
            f"got {type(source).__name__}."
        )
    if not source.__sklearn_is_fitted__():
        raise ValueError(
            f"init_from={type(source).__name__}(...) is not fitted: fit it first. In "
            "GridSearchCV, cross_val_score and other tools that clone() the estimator, a "
            "fitted init_from is cloned unfitted: pass "
            "init_from=sklearn.frozen.FrozenEstimator(fitted), which clone() keeps."
        )
    return source


def mark_frozen(layers, freeze):
    """Set ``frozen`` on the layers ``freeze`` names (None, "features" or an int).

    Raises
    ------
    ValueError
        When ``freeze`` would leave no layer with parameters to train.
    """
    if freeze is None:
        return
    trained = [layer for layer in layers if layer.param_specs()]
    if freeze == "features":
        head = next(layer for layer in inference_layers(layers) if isinstance(layer, Dense))
        chosen = layers[:layers.index(head)]
    else:
        if freeze >= len(trained):
            raise ValueError(
                f"freeze={freeze} would leave nothing to train: the network has "
                f"{len(trained)} layers with parameters (the output layer included)."
            )
        chosen = layers[:layers.index(trained[freeze])] if freeze else []
    for layer in chosen:
        layer.frozen = True


def copy_matching_weights(network, source, copy_output):
    """Copy ``source``'s weights into ``network`` layer by layer, by position among the
    layers with parameters, where kind and shapes match; the output layers (the last
    with parameters) only when ``copy_output``. Returns the number of layers copied."""
    targets = [layer for layer in network.layers if layer.param_specs()]
    sources = [layer for layer in source.layers if layer.param_specs()]
    pairs = list(zip(targets[:-1], sources[:-1]))
    if copy_output:
        pairs.append((targets[-1], sources[-1]))
    copied = 0
    for target, given in pairs:
        if not _same_shapes(target, given):
            continue
        for spec in target.param_specs():
            getattr(target, spec.name)[...] = getattr(given, spec.name)
        for name in target.buffers:
            value = getattr(given, name)
            if value is not None:
                setattr(target, name, np.array(value, dtype=network.dtype))
        copied += 1
    return copied


def _same_shapes(target, given):
    def shapes(layer):
        return [(spec.name, spec.shape) for spec in layer.param_specs()]

    return type(target) is type(given) and shapes(target) == shapes(given)
