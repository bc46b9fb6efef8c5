"""``make load``: Locust against the scaled-out topology (``bench/load/run.py``), with the people's journeys in
``bench/load/journeys.py`` (plain HTTP through real forms, tested in ``tests/load``) and their accounts in
``bench/load/accounts.py``; ``bench/locustfile.py`` turns the journeys into Locust users."""
