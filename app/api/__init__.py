"""The JSON API (``/api/v1``), authenticated by bearer tokens; the contract is docs/api.md.

- :mod:`.views` — the blueprint, its routes and ``/api/v1/openapi.json``;
- :mod:`.endpoints` — the views, one module per question;
- :mod:`.schemas` — one pydantic model per shape, serialising and documenting it;
- :mod:`.openapi` — the document, generated from the routes and the models.
"""
