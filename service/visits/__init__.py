"""Visits by the commissioner to the provider: who went, what they saw, what the pupil said."""
