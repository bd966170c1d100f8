"""synthgen: synthetic human-computer interaction telemetry.

Scripted personas drive real web apps in headless Chromium, following scenario YAML files; the
output has the schema of real in-page telemetry (see :mod:`synthgen.schema`).

>>> import synthgen
>>> synthgen.__version__
'0.1.0'
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
