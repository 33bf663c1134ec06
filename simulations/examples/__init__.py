"""Runnable examples (``python -m simulations.examples.NAME``)."""
