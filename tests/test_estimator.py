import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from manual_backprop import predict
from manual_backprop.data import load_digits_split
from manual_backprop.estimator import BackpropClassifier
from manual_backprop.train import initial_weights, train_network


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """L-BFGS-B's small vector operations run 5-10x slower with BLAS threads spinning on a busy
    two-core machine; these fits are small, so one thread is also the fastest."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@parametrize_with_checks([
    BackpropClassifier(hidden_layer_sizes=(5,), max_iter=50),
    BackpropClassifier(hidden_layer_sizes=(5,), max_iter=50, activation="tanh", output="softmax"),
])
def test_the_classifier_passes_scikit_learns_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    d = load_digits_split()
    return d.X_train[:300], d.y_train[:300]


def test_fit_is_the_library_s_training_with_the_same_initial_weights(digits):
    X, y = digits
    clf = BackpropClassifier((6,), lam=0.5, max_iter=20, random_state=7).fit(X, y)
    layer_sizes = (64, 6, 10)
    expected = train_network(layer_sizes, X, y, 0.5, max_iter=20,
                             theta_vec=initial_weights(layer_sizes, rng=np.random.default_rng(7)))
    assert clf.layer_sizes_ == layer_sizes and clf.n_iter_ == expected.n_iterations
    assert np.array_equal(clf.theta_vec_, expected.theta_vec) and clf.cost_history_ == expected.cost_history
    assert np.array_equal(clf.predict(X), predict(clf.Theta_, X))


def test_cross_val_score_of_a_pipeline_is_the_score_of_each_fold_fitted_by_hand(digits):
    X, y = digits
    pipeline = make_pipeline(MinMaxScaler(), BackpropClassifier((6,), max_iter=20, random_state=0))
    folds = KFold(3)
    scores = cross_val_score(pipeline, X, y, cv=folds)
    by_hand = [clone(pipeline).fit(X[train], y[train]).score(X[test], y[test]) for train, test in folds.split(X)]
    assert scores.tolist() == by_hand


def test_two_classes_share_one_sigmoid_output_and_keep_their_labels():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 3)
    y = np.array(["no", "no", "no", "yes"] * 3)
    clf = BackpropClassifier((3,), lam=0.0, max_iter=200, random_state=0).fit(X, y)
    assert clf.layer_sizes_ == (2, 3, 1) and clf.classes_.tolist() == ["no", "yes"]
    proba = clf.predict_proba(X)
    assert proba.shape == (12, 2) and np.array_equal(proba.sum(axis=1), np.ones(12))
    assert clf.predict(X).tolist() == y.tolist()


def test_unknown_settings_are_named_when_fitting():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        BackpropClassifier(optimizer="adam").fit(np.ones((4, 2)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="init must be one of"):
        BackpropClassifier(init="ones").fit(np.ones((4, 2)), [0, 1, 0, 1])


@pytest.mark.parametrize("hidden, error, message", [
    (None, TypeError, "hidden_layer_sizes must be a tuple of integers .*, got None"),
    ({3: 1}, TypeError, "hidden_layer_sizes must be a tuple of integers .*, got {3: 1}"),
    ({3}, TypeError, r"got \{3\}"),
    ((4, 0), ValueError, r"hidden_layer_sizes\[1\] must be at least 1, got 0"),
    ((2.5,), TypeError, r"hidden_layer_sizes\[0\] must be an integer, got 2.5"),
])
def test_hidden_layer_sizes_that_are_not_a_tuple_of_counts_are_named(hidden, error, message):
    with pytest.raises(error, match=message):
        BackpropClassifier(hidden_layer_sizes=hidden).fit(np.ones((4, 2)), [0, 1, 0, 1])
