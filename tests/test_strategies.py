import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import manual_backprop.strategies as strategies_module
from manual_backprop.strategies import (
    LABEL_FORMS,
    NetworkProblem,
    datasets,
    lambdas,
    layer_sizes,
    networks,
    thetas,
)


def n_weights(sizes):
    return sum(s_next * (s + 1) for s, s_next in zip(sizes[:-1], sizes[1:]))


@given(sizes=layer_sizes(min_layers=3, max_layers=4, min_units=2, max_units=7))
def test_layer_sizes_stay_within_their_bounds(sizes):
    assert isinstance(sizes, tuple) and 3 <= len(sizes) <= 4
    assert all(isinstance(s, int) and 2 <= s <= 7 for s in sizes)


@given(data=st.data(), sizes=layer_sizes())
def test_thetas_have_one_weight_per_entry_of_every_theta_within_the_scale(data, sizes):
    theta_vec = data.draw(thetas(sizes, scale=0.25))
    assert theta_vec.dtype == np.float64 and theta_vec.shape == (n_weights(sizes),)
    assert np.all(np.abs(theta_vec) <= 0.25)


@given(theta_vec=thetas(layer_sizes(min_units=3, max_units=3, min_layers=3, max_layers=3)))
def test_thetas_accept_a_strategy_for_the_layer_sizes(theta_vec):
    assert theta_vec.shape == (n_weights((3, 3, 3)),)


@given(dataset=datasets((4, 6, 3), min_examples=2, max_examples=5, labels="one-hot", scale=2.0))
def test_datasets_give_X_with_a_row_per_example_and_one_hot_labels(dataset):
    X, y = dataset
    assert X.shape[1] == 4 and 2 <= X.shape[0] <= 5 and np.all(np.abs(X) <= 2.0)
    assert y.shape == (X.shape[0], 3) and np.all(y.sum(axis=1) == 1)


@given(dataset=datasets((2, 1), labels="integer"))
def test_integer_labels_for_a_single_output_are_binary(dataset):
    assert dataset.y.shape == (dataset.X.shape[0],) and set(dataset.y.tolist()) <= {0, 1}


@given(net=networks())
def test_networks_are_consistent_problems(net):
    assert net.theta_vec.shape == (n_weights(net.layer_sizes),)
    assert net.X.shape == (net.m, net.layer_sizes[0]) and 1 <= net.m <= 10
    assert net.labels in LABEL_FORMS and 0.0 <= net.lam <= 10.0
    if net.output == "softmax":
        assert net.K >= 2 and net.labels != "multi-label"
    if net.labels == "integer":
        assert net.y.shape == (net.m,) and 0 <= net.y.min() and net.y.max() < max(net.K, 2)
    else:
        assert net.y.shape == (net.m, net.K) and set(np.unique(net.y).tolist()) <= {0.0, 1.0}


@given(net=networks(layer_sizes=(3, 2), activation="tanh", output="softmax", lam=0.5, labels="integer"))
def test_networks_take_fixed_values_for_any_of_their_parts(net):
    assert (net.layer_sizes, net.activation, net.output, net.lam, net.labels) == ((3, 2), "tanh", "softmax", 0.5,
                                                                                "integer")


@given(net=networks(labels="multi-label"))
def test_multi_label_networks_are_drawn_with_sigmoid_outputs_only(net):
    assert net.output == "sigmoid" and net.y.shape == (net.m, net.K)


@given(net=networks(layer_sizes=layer_sizes(max_layers=3, max_units=3)))
def test_the_repr_of_a_network_rebuilds_it_exactly(net):
    rebuilt = eval(repr(net), {"np": np, "NetworkProblem": NetworkProblem})
    assert rebuilt.layer_sizes == net.layer_sizes and rebuilt.lam == net.lam
    assert all(np.array_equal(getattr(rebuilt, f), getattr(net, f)) for f in ("theta_vec", "X", "y"))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: layer_sizes(min_layers=1), "min_layers must be at least 2, got 1"),
        (lambda: layer_sizes(min_units=0), "min_units must be at least 1, got 0"),
        (lambda: layer_sizes(min_units=5, max_units=4), "min_units=5 must not exceed max_units=4"),
        (lambda: layer_sizes(max_layers=3.0), "max_layers must be an integer, got 3.0"),
        (lambda: thetas((3, 0, 2)), r"layer_sizes\[1\] must be at least 1, got 0"),
        (lambda: thetas((3,)), r"layer_sizes must have at least 2 layers \(input and output\), got \(3,\)"),
        (lambda: thetas((3, 2), scale=0.0), "scale must be a finite number > 0.0, got 0.0"),
        (lambda: thetas("32"), "layer_sizes must be a sequence of integers"),
        (lambda: datasets((3, 1), output="softmax"), r"a softmax output needs K >= 2 output units, got layer_sizes=\(3, 1\)"),
        (lambda: datasets((3, 2), labels="one-hot-ish"), "labels must be one of"),
        (lambda: datasets((3, 2), output="softmax", labels="multi-label"), 'labels="multi-label" needs a sigmoid output'),
        (lambda: datasets((3, 2), min_examples=0), "min_examples must be at least 1, got 0"),
        (lambda: lambdas(min_value=-1.0), "min_value must be a finite number >= 0.0, got -1.0"),
        (lambda: lambdas(min_value=2.0, max_value=1.0), "min_value=2.0 must not exceed max_value=1.0"),
        (lambda: networks(activation="softplus"), "activation must be one of"),
        (lambda: networks(output="softmax", layer_sizes=(2, 1)), "a softmax output needs K >= 2"),
        (lambda: networks(lam=float("nan")), "lam must be a finite number >= 0.0, got nan"),
        (lambda: networks(weight_scale=-1), "weight_scale must be a finite number > 0.0, got -1.0"),
    ],
)
def test_strategies_reject_bad_arguments_when_they_are_built(make, message):
    with pytest.raises(InvalidArgument, match=message):
        make()



def test_the_strategies_import_nothing_from_the_library_they_generate_problems_for():
    tree = ast.parse(Path(strategies_module.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    relative = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert not relative, relative
    assert not any(name.split(".")[0] == "manual_backprop" for name in imported), sorted(imported)
