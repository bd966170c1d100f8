"""Personas: a fake identity (seeded Faker) plus motor traits drawn from a population."""

from synthgen.persona.identity import Identity, make_identity, persona_faker
from synthgen.persona.model import Persona
from synthgen.persona.population import persona_seed, sample_personas

__all__ = ["Identity", "Persona", "make_identity", "persona_faker", "persona_seed", "sample_personas"]
