"""The local authority's recorded decision on a placement it must decide (a pupil with an EHCP, medical needs, a
permanently excluded pupil, a child with no school place), the officer's list of decisions waiting, and the state
the school sees."""
