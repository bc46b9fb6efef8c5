"""``GET /healthz``: is the service and what it depends on working? For load balancers and operators."""
