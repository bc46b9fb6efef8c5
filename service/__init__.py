"""apdocs: commission, document and monitor pupils' placements in alternative provision.

The app is built by ``service.app.create_app``. This file stays empty on purpose: every module of the service is
imported through this package, so anything here would be imported by all of them.
"""
