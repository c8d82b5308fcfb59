"""Each hyperparameter is defined once (skdeep/_hyperparameters.py): its constraint and its
docstring entry come from one record, and the documented default is the signature's."""

import ast
import inspect
import re

import pytest

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor
from skdeep._hyperparameters import records_for

ESTIMATORS = [(MLPClassifier, True, False), (MLPRegressor, False, False),
              (CNNClassifier, True, True), (CNNRegressor, False, True)]


def _documented_defaults(records):
    defaults = {}
    for record in records:
        head = record.doc.split("\n")[0].replace("\\\n", "")
        match = re.search(r"default=(.*)$", head)
        assert match, f"no default in the docstring entry of {record.names}"
        values = [v.strip() for v in match.group(1).split(", ")] if len(record.names) > 1 \
            else [match.group(1).strip()]
        defaults.update(zip(record.names, values))
    return defaults


@pytest.mark.parametrize("estimator, classifier, cnn", ESTIMATORS)
def test_every_parameter_has_one_record_and_its_documented_default(estimator, classifier, cnn):
    records = records_for(classifier=classifier, cnn=cnn)
    names = [name for record in records for name in record.names]
    signature = inspect.signature(estimator.__init__).parameters
    assert sorted(names) == sorted(p for p in signature if p != "self")
    assert len(names) == len(set(names))
    for name, documented in _documented_defaults(records).items():
        assert ast.literal_eval(documented) == signature[name].default, name
    assert set(estimator._parameter_constraints) == set(names)
    for record in records:
        first_line = record.doc.split("\n")[0]
        assert first_line.split(" : ")[0] == ", ".join(record.names)
        for name in record.names:
            assert estimator._parameter_constraints[name] is record.constraint
            assert f"    {first_line}" in estimator.__doc__.replace("\\\n", "")


@pytest.mark.parametrize("estimator, classifier, cnn", ESTIMATORS)
def test_a_set_of_choices_lists_its_default_first(estimator, classifier, cnn):
    # numpydoc's convention, which the API page's renderer (griffe) reads as the default
    for record in records_for(classifier=classifier, cnn=cnn):
        head = record.doc.split("\n")[0].replace("\\\n", "")
        kind = head.split(" : ", 1)[1]
        if kind.startswith("{"):
            first = kind[1:].split(",")[0].split("}")[0].strip()
            assert head.endswith(f"default={first}"), head
