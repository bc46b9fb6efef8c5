"""Ending a placement: what it achieved, where the pupil goes next, and the end-of-placement report."""
