"""The call console's HTTP API: authentication, authorization, calls, media, control, deletion,
and the access trail. ``app.py`` wires the routes (see :mod:`chalicelib.console.routes`); every
module here is imported on the API handler's path only, never by the SMA handler."""
