"""Pages to look at a dataset: the whole corpus (:func:`write_overview`), one session
(:func:`write_view`), and a session's DOM recording replayed (:func:`write_replay`).

All three are self-contained HTML files (images inlined), written beside the dataset unless told where,
owner-only like the dataset itself.

>>> from synthgen.view import write_overview, write_view, write_replay
"""

from synthgen.view.overview import write_overview
from synthgen.view.replay import write_replay
from synthgen.view.session import default_view_path, frame_actions, render_view, speed_colors, write_view

__all__ = ["write_overview", "write_view", "write_replay", "render_view", "speed_colors", "default_view_path",
           "frame_actions"]
