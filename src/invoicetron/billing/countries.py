"""ISO 3166-1 countries (from `pycountry`): the choices of address forms and the printed names."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_choices() -> list[tuple[str, str]]:
    """Alpha-2 codes by English name, as a select shows them: ("DE", "DE — Germany")."""
    countries = sorted(pycountry.countries, key=lambda country: country.name)
    return [(country.alpha_2, f"{country.alpha_2} — {country.name}") for country in countries]


def country_name(code: str) -> str:
    """The English name of an alpha-2 code ("DE" → "Germany"); an unknown code as it is."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    return str(country.name) if country is not None else code
