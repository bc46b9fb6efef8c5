"""The LA is told: a school's local authority hears by email when the school agrees, ends or extends a placement,
and its officers see a read-only summary of their schools' placements."""
