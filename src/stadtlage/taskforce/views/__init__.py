"""Views of the Sonderstab, one module per page family; thin: forms in, services out."""
