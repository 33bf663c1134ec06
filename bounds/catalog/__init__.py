"""Definitions of the registered bounds, grouped by setting.

``finetune``: the fine-tuning step (general loss) and its gradient-descent radius;
``linear``: squared-loss linear regression; ``lower``: lower bounds;
``logistic``: logistic regression; ``network``: two-layer ReLU networks.
"""

from bounds.catalog import finetune, linear, logistic, lower, network

__all__ = ["finetune", "linear", "logistic", "lower", "network", "ALL"]

#: Every bound, in registry order.
ALL = finetune.BOUNDS + linear.BOUNDS + lower.BOUNDS + logistic.BOUNDS + network.BOUNDS
