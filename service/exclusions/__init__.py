"""Exclusions and suspensions: the date a pupil was excluded, and the sixth-day duty to educate them."""
