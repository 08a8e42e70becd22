"""services' models, one module per area; each module's models are imported here so that
Django finds them."""
