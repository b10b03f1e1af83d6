"""Pure analysis functions (numpy/scipy), free of Django."""
