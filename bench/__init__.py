"""`make bench`: the benchmark, with its own settings (bench/settings.py) and URLs.

Nothing in the product imports it.
"""
