"""Fake identities from a Faker seeded per persona: no real person behind any value.

>>> make_identity(seed=1).email == make_identity(seed=1).email
True
"""

from __future__ import annotations

from faker import Faker
from pydantic import BaseModel, ConfigDict

__all__ = ["Identity", "make_identity", "persona_faker"]


class Identity(BaseModel):
    """A persona's fake identity (all from Faker)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_name: str
    last_name: str
    email: str
    username: str
    password: str
    phone: str
    company: str
    job: str
    street: str
    city: str
    postcode: str
    country: str
    locale: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def persona_faker(seed: int, locale: str = "en_US") -> Faker:
    """A Faker with its own seeded random source (never the shared class-level one).

    >>> persona_faker(3).first_name() == persona_faker(3).first_name()
    True
    """
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def make_identity(seed: int, locale: str = "en_US") -> Identity:
    """Draw one coherent identity: the e-mail and user name derive from the drawn name."""
    fake = persona_faker(seed, locale)
    first, last = fake.first_name(), fake.last_name()
    # Derive handle and e-mail from the name, as people's real addresses mostly are.
    handle = _ascii_handle(f"{first}.{last}") + str(fake.random_int(1, 99))
    domain = fake.free_email_domain()
    return Identity(
        first_name=first,
        last_name=last,
        email=f"{handle}@{domain}",
        username=handle.replace(".", "_"),
        password=fake.password(length=12, special_chars=True),
        phone=fake.phone_number(),
        company=fake.company(),
        job=fake.job(),
        street=fake.street_address(),
        city=fake.city(),
        postcode=fake.postcode(),
        country=fake.current_country() if locale != "en_US" else "United States",
        locale=locale,
    )


def _ascii_handle(text: str) -> str:
    import unicodedata

    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in norm.lower() if ch.isalnum() or ch == ".")
