import ast
import functools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import manual_backprop.strategies as strategies_module
from manual_backprop.strategies import (
    ACTIVATIONS,
    LABEL_FORMS,
    OUTPUTS,
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


# --- coverage: what a run of the strategies draws ------------------------------------------------
# A property sees only what its strategy draws: a strategy that never drew the last class, y = 1
# with one output, or a layer of one unit would leave those cases untested by every property.
# Each run below is derandomised (the same draws every time) and has no database, so a strategy
# that stops drawing a case fails here, not by luck in some property.

NETWORK_RUN = 200  # problems in the run of networks(); the default profile runs 30 per property
DATASET_RUN = 50  # datasets in each run of datasets(), up to 10 examples each


def draw_run(strategy, n):
    """The first ``n`` values a derandomised Hypothesis run draws from ``strategy``."""
    drawn = []

    @settings(max_examples=n, derandomize=True, database=None, phases=[Phase.generate])
    @given(value=strategy)
    def run(value):
        drawn.append(value)

    run()
    return drawn


@functools.cache
def network_run():
    return draw_run(networks(), NETWORK_RUN)


def test_a_run_of_networks_draws_every_activation_output_and_label_form():
    run = network_run()
    assert {net.activation for net in run} == set(ACTIVATIONS)
    assert {net.output for net in run} == set(OUTPUTS)
    assert {net.labels for net in run} == set(LABEL_FORMS)


def test_a_run_of_networks_draws_y_equal_to_one_with_a_single_output():
    # The (m, 1) column form of these labels is drawn by datasets() below.
    assert any(net.K == 1 and net.labels == "integer" and (net.y == 1).any() for net in network_run())


def test_a_run_of_networks_draws_the_last_class_of_several_outputs_for_each_output_layer():
    for output in OUTPUTS:
        several = [net for net in network_run() if net.K >= 2 and net.output == output and net.labels != "multi-label"]
        assert any(net.labels == "integer" and (net.y == net.K - 1).any() for net in several), output
        assert any(net.labels == "one-hot" and net.y[:, -1].any() for net in several), output


def test_a_run_of_networks_draws_layers_of_one_unit_at_the_input_inside_and_at_the_output():
    run = network_run()
    assert any(net.layer_sizes[0] == 1 for net in run)
    assert any(1 in net.layer_sizes[1:-1] for net in run)
    assert any(net.K == 1 for net in run)
    assert any(len(net.layer_sizes) == 2 for net in run) and any(len(net.layer_sizes) >= 4 for net in run)


@pytest.mark.parametrize("K", [1, 2, 3, 12])
@pytest.mark.parametrize("labels", ["integer", "one-hot"])
def test_a_run_of_datasets_draws_every_class_for_any_number_of_outputs(K, labels):
    y = np.concatenate([d.y for d in draw_run(datasets((2, K), labels=labels), DATASET_RUN)])
    # Integer labels are 0..K-1 (0 and 1 when K = 1); one-hot labels set each of the K columns
    # (with K = 1, the column holds the binary labels, 0 and 1).
    classes = y.tolist() if labels == "integer" else np.argmax(y, axis=1).tolist() if K > 1 else y[:, 0].tolist()
    assert set(classes) == set(range(max(K, 2)))


def test_a_run_of_multi_label_datasets_draws_every_label_on_and_off_in_every_column():
    y = np.concatenate([d.y for d in draw_run(datasets((2, 4), labels="multi-label"), DATASET_RUN)])
    assert y.any(axis=0).all() and (~y.astype(bool)).any(axis=0).all()
