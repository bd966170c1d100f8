"""The Persona: a fake identity, motor traits, a computer (:mod:`synthgen.persona.device`) and behaviour traits
(:mod:`synthgen.persona.behaviour`), with its own seed.

>>> from synthgen.persona.population import sample_personas
>>> p = sample_personas(1, seed=5)[0]
>>> p.persona_id, p.view()["wpm"] > 0, p.view()["habit"] == p.behaviour.habit == p.to_row()["habit"]
('p5-0000', True, True)
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from synthgen.motor.params import MotorProfile
from synthgen.persona.behaviour import Behaviour
from synthgen.persona.device import Device
from synthgen.persona.identity import Identity

__all__ = ["Persona"]


class Persona(BaseModel):
    """One synthetic person."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    persona_id: str
    seed: int
    identity: Identity
    motor: MotorProfile
    device: Device
    behaviour: Behaviour

    def view(self) -> dict[str, Any]:
        """The flat values that scenario filters and ``{{ persona.* }}`` templates see."""
        ident = self.identity.model_dump()
        ident["name"] = self.identity.name
        ident["id"] = self.persona_id
        ident["wpm"] = float(self.motor.keyboard.wpm)
        ident["mouse_throughput_bps"] = float(self.motor.mouse.throughput_bps)
        ident["scroll_style"] = str(self.motor.scroll.style)
        ident.update(self.behaviour.view())
        return ident

    def template_values(self) -> dict[str, str]:
        """String values for ``{{ persona.<field> }}``."""
        return {k: str(v) for k, v in self.view().items()}

    def to_row(self) -> dict[str, Any]:
        """One row of the ``personas`` table (see :data:`synthgen.schema.PERSONAS_COLUMNS`)."""
        row: dict[str, Any] = {"persona_id": self.persona_id, "seed": self.seed}
        row.update(self.identity.model_dump())
        row["motor_json"] = json.dumps(self.motor.model_dump(mode="json"), sort_keys=True)
        row["wpm"] = float(self.motor.keyboard.wpm)
        row["mouse_throughput_bps"] = float(self.motor.mouse.throughput_bps)
        row["scroll_style"] = str(self.motor.scroll.style)
        row["device_json"] = json.dumps(self.device.model_dump(mode="json"), sort_keys=True)
        row["os"] = self.device.os
        row["behaviour_json"] = json.dumps(self.behaviour.model_dump(mode="json"), sort_keys=True)
        row["habit"] = self.behaviour.habit
        row["reading_wpm"] = float(self.behaviour.reading_wpm)
        return row
