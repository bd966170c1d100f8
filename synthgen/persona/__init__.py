"""Personas: a fake identity (seeded Faker), motor traits and a computer, each drawn from a population."""

from synthgen.persona.device import Device, draw_device
from synthgen.persona.identity import Identity, make_identity, persona_faker
from synthgen.persona.model import Persona
from synthgen.persona.population import persona_seed, sample_personas

__all__ = ["Device", "Identity", "Persona", "draw_device", "make_identity", "persona_faker", "persona_seed", "sample_personas"]
