"""Screen content: when to capture (cadence), what (image, accessibility tree, DOM), and rrweb recording.

>>> from synthgen.observe import Cadence
>>> Cadence.parse("action").on_actions
True
"""

from synthgen.observe.cadence import Cadence, validate_capture_options
from synthgen.observe.capture import Capture, CaptureSpec, DriverObserver, Observer, PageObserver
from synthgen.observe.controller import ObserveController, capture_spec
from synthgen.observe.rrweb import RrwebRecorder, build_recording
from synthgen.observe.table import OBSERVATIONS_COLUMNS, OBSERVATIONS_SCHEMA, ObservationLog

__all__ = ["Cadence", "Capture", "CaptureSpec", "DriverObserver", "Observer", "PageObserver", "ObserveController",
           "capture_spec", "RrwebRecorder", "build_recording", "OBSERVATIONS_COLUMNS", "OBSERVATIONS_SCHEMA",
           "ObservationLog", "validate_capture_options"]
