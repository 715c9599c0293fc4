"""Forms of the billing pages: they check the shape of the input; the services decide the rest."""
