"""The scenario language: YAML files -> validated :class:`Scenario` -> a stream of action steps.

>>> import numpy as np
>>> s = load_scenario_text("name: demo\\napp: webmail\\nsteps:\\n  - goto: /webmail/\\n  - click: Compose\\n")
>>> [sid for sid, _ in iter_actions(s, np.random.default_rng(0))]
['1', '2']
"""

from synthgen.scenario.loader import (MAX_FILE_BYTES, load_scenario, load_scenario_text, load_scenarios,
                                      scenario_files)
from synthgen.scenario.model import DataFeeder, PersonaFilter, Scenario, Viewport, flow_label, walk_steps
from synthgen.scenario.planner import data_row, iter_actions, persona_accepts, plan_actions
from synthgen.scenario.steps import ACTION_KINDS, CONTROL_KINDS, STEP_KINDS, ActionStep, Step, Target, ThinkDist
from synthgen.scenario.targets import parse_target
from synthgen.scenario.templating import (Template, TemplateContext, parse_template, render, render_target,
                                          render_variables,
                                          template_sources)

__all__ = [
    "load_scenario", "load_scenario_text", "load_scenarios", "scenario_files", "MAX_FILE_BYTES",
    "Scenario", "PersonaFilter", "DataFeeder", "Viewport", "flow_label", "walk_steps",
    "iter_actions", "plan_actions", "data_row", "persona_accepts",
    "Step", "ActionStep", "Target", "ThinkDist", "ACTION_KINDS", "CONTROL_KINDS", "STEP_KINDS",
    "parse_target",
    "Template", "TemplateContext", "parse_template", "render", "render_target", "render_variables",
    "template_sources",
]
