"""stadtlage: Lagebild, Ordnungspartnerschaft and Sonderstab platform for the City of Dortmund."""

__version__ = "0.1.0"
