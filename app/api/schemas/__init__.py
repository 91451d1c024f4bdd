"""One pydantic model per API shape: it serialises the answer and documents it."""
