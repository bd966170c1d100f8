"""Bundled web apps (webmail, crm, shop, kanban, notes, chaos) and their loopback server.

Example::

    from synthgen.apps import AppServer, list_apps

    with AppServer() as srv:
        for name in list_apps():
            print(name, srv.url(name))
"""

from synthgen.apps.server import (
    STATIC_DIR,
    AppServer,
    UnknownAppError,
    app_info,
    list_apps,
    serve_forever,
)

__all__ = [
    "AppServer",
    "UnknownAppError",
    "STATIC_DIR",
    "app_info",
    "list_apps",
    "serve_forever",
]
