"""Pupils: records, parents/carers and the MIS import."""
