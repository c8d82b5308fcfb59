"""What the fusion tests share: fit the same network with a fusion pass of
:mod:`skdeep.nn.network` and without it, and require the same model to the bit."""

from numpy.testing import assert_array_equal

import skdeep.nn.network


def fit_fused_and_separate(monkeypatch, fusion, make, X, y, **fit_params):
    """``(fused, separate)``: ``make()`` fitted with every fusion, then with the pass named
    ``fusion`` (a function of :mod:`skdeep.nn.network`) turned off for the rest of the
    test."""
    fused = make().fit(X, y, **fit_params)
    monkeypatch.setattr(skdeep.nn.network, fusion, lambda layers: None)
    return fused, make().fit(X, y, **fit_params)


def assert_same_model(fused, separate, X, outputs=("predict_proba",)):
    """The same coefficients, loss curve and ``outputs`` (method names) on ``X``, bit for
    bit."""
    assert len(fused.coefs_) == len(separate.coefs_)
    for a, b in zip(fused.coefs_, separate.coefs_):
        assert_array_equal(a, b)
    for name in outputs:
        assert_array_equal(getattr(fused, name)(X), getattr(separate, name)(X))
    assert fused.loss_curve_ == separate.loss_curve_
