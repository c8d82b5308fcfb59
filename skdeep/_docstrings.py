"""numpydoc text shared by the estimators' docstrings: their fitted attributes (parameters
are documented beside their constraints in :mod:`skdeep._hyperparameters`)."""

ATTRIBUTES_DOC = """
    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has column names.
    n_outputs_ : int
        Width of the output layer.
    n_iter_ : int
        Epochs run (accumulated over ``warm_start`` and ``partial_fit`` calls).
    t_ : int
        Training samples seen.
    loss_ : float
        Mean training loss of the last epoch (penalties included).
    loss_curve_ : list of float
        Mean training loss of each epoch.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Validation score of each epoch (with early stopping).
    best_validation_score_ : float or None
        Best validation score (with early stopping).
    coefs_ : list of ndarray
        Weight matrices of the dense layers, input to output.
    intercepts_ : list of ndarray
        Bias vectors of the dense layers.
"""
