"""manual-backprop: the course's neural network, with backpropagation written by hand in NumPy.

Conventions, used everywhere:

* ``layer_sizes = (s_1, ..., s_L)``, bias units not counted;
* ``Theta[l]`` has shape ``(s_{l+1}, s_l + 1)``, bias weights in column 0;
* examples are the rows of ``X`` (m, s_1); labels are 0..K-1 or an (m, K) 0-1 matrix;
* ``theta_vec`` and ``grad_vec`` (DVec) unroll the matrices in column-major order.

The names below are the public API, re-exported from the modules that define them.
"""

from .activations import relu, relu_gradient, sigmoid, sigmoid_gradient, tanh, tanh_gradient
from .backprop import nn_cost, nn_cost_function
from .forward import ForwardPass, forward_propagation
from .gradient_check import GradientCheckReport, check_gradients, check_nn_gradients
from .initialization import debug_initialize_weights, random_initialize_weights
from .network import Network
from .predict import predict, predict_proba
from .unrolling import layer_sizes_of, n_params, reshape, unroll

# the checker's vector-Jacobian check (issue 10)
from .gradient_check import check_vjp

# a cost function bound to one network and data set, for training loops (issue 15)
from .bound import BoundCost

__version__ = "0.1.0"

__all__ = [
    # activations and their derivatives
    "sigmoid",
    "sigmoid_gradient",
    "tanh",
    "tanh_gradient",
    "relu",
    "relu_gradient",
    # weights
    "random_initialize_weights",
    "debug_initialize_weights",
    "unroll",
    "reshape",
    "n_params",
    "layer_sizes_of",
    # the network
    "forward_propagation",
    "ForwardPass",
    "nn_cost_function",
    "nn_cost",
    "predict",
    "predict_proba",
    "Network",
    # the gradient check
    "check_gradients",
    "check_nn_gradients",
    "GradientCheckReport",
    # the checker's vector-Jacobian check (issue 10)
    "check_vjp",
    # a cost function bound to one network and data set, for training loops (issue 15)
    "BoundCost",
]

# Second order: Hessian-vector products by the R-operator, the Gauss-Newton product, their check.
from .hessian import gauss_newton_vector_product, hessian_vector_product, make_hessp  # noqa: E402
from .hessian_check import HessianCheckReport, check_hessian_vector_products  # noqa: E402

__all__ += [
    "hessian_vector_product",
    "gauss_newton_vector_product",
    "make_hessp",
    "check_hessian_vector_products",
    "HessianCheckReport",
]
