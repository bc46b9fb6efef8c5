"""Termly progress reports from the provider, against each objective of the agreed plan."""
