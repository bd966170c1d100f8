"""The on-disk dataset contract: layout, writing, reading, the manifest, the lock, repair and exports.

This package owns every name and byte synthgen puts on disk and imports nothing above
:mod:`synthgen.schema` and :mod:`synthgen.errors`. One idea per module:

======================= ==========================================================================
``layout``              every folder and file name, temporary names, the session-id pattern
``files``               atomic writes with the output file mode, Parquet bytes
``destination``         a dataset root on a local disk or any pyarrow filesystem (``s3://``...)
``record``              what a session is on disk (the writer's input, the reader's output)
``writer``              a finished session's files, its ``sessions`` row last; the persona pool
``reader``              complete sessions, torn files, one session in full
``manifest``            ``manifest.json``: the job, counts, a checksum of every file
``job``                 the dataset marker and the job identity a re-run must match
``lock``                one run per dataset at a time
``repair``              clearing an interrupted run's leftovers, and nothing else
``exports``             trajectories, rrweb and Balabit forms of each session
``exporter``            exports of a dataset already on disk
======================= ==========================================================================

>>> import tempfile
>>> d = Destination.from_uri(tempfile.mkdtemp())
>>> open_dataset(d, Job({"seed": 7})), DatasetReader(d).complete_ids()
('created', [])
"""

from synthgen.dataset.destination import Destination, is_uri
from synthgen.dataset.exporter import export_dataset
from synthgen.dataset.exports import EXPORT_FORMATS, parse_exports
from synthgen.dataset.files import parse_file_mode, set_file_mode
from synthgen.dataset.job import Job, open_dataset, read_marker
from synthgen.dataset.lock import DatasetLock
from synthgen.dataset.manifest import build_manifest, read_manifest, write_manifest
from synthgen.dataset.reader import DatasetReader, NotADataset
from synthgen.dataset.record import SessionRecord, StoredSession
from synthgen.dataset.repair import RepairReport, repair_dataset
from synthgen.dataset.writer import SessionWriter, write_exports, write_personas, write_scenarios

__all__ = [
    "Destination", "is_uri", "export_dataset", "EXPORT_FORMATS", "parse_exports", "parse_file_mode",
    "set_file_mode", "Job", "open_dataset", "read_marker", "DatasetLock", "build_manifest", "read_manifest",
    "write_manifest", "DatasetReader", "NotADataset", "SessionRecord", "StoredSession", "RepairReport",
    "repair_dataset", "SessionWriter", "write_exports", "write_personas", "write_scenarios",
]
