"""Wiring only: the Chalice app, its Lambda functions and their event sources.

All logic lives in chalicelib/. Imports here must stay light: every function deployed from this
app loads this module, so heavy libraries are imported inside the handlers that need them.
"""

from __future__ import annotations

import logging

from chalice import Chalice

app = Chalice(app_name="callrec")
app.log.setLevel(logging.INFO)

# --- SIP media application call flow (issue: foundation) -------------------------------------
