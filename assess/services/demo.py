"""Demonstration data: a fictional but realistic national office (``assess demo``)."""
# Implemented by the lead; see load_demo().
