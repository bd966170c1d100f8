"""The schema is one definition: pydantic models and pyarrow schemas agree."""

from __future__ import annotations

import pyarrow as pa
import pytest
from pydantic import ValidationError

from synthgen import schema as S


@pytest.mark.parametrize("cols,arrow,model", [
    (S.EVENTS_COLUMNS, S.EVENTS_SCHEMA, S.Event),
    (S.SESSIONS_COLUMNS, S.SESSIONS_SCHEMA, S.SessionRow),
    (S.PERSONAS_COLUMNS, S.PERSONAS_SCHEMA, S.PersonaRow),
])
def test_models_and_arrow_schema_share_columns(cols, arrow, model) -> None:
    names = [c.name for c in cols]
    assert arrow.names == names
    assert list(model.model_fields) == names
    for c in cols:
        assert arrow.field(c.name).nullable == c.nullable
        assert model.model_fields[c.name].is_required() == (not c.nullable)


def test_event_type_vocabulary_is_validated() -> None:
    ok = dict(session_id="s", seq=0, t_ms=1.0, url="u", step_id="1", intent="click")
    assert S.Event(type="wheel", **ok).type == "wheel"
    with pytest.raises(ValidationError):
        S.Event(type="tap", **ok)
    with pytest.raises(ValidationError):
        S.Event(type="click", bogus=1, **ok)


def test_schema_carries_its_version() -> None:
    assert S.EVENTS_SCHEMA.metadata[b"synthgen.schema_version"] == S.SCHEMA_VERSION.encode()
    assert pa.types.is_dictionary(S.EVENTS_SCHEMA.field("type").type)
