"""The postal address and electronic address fields the business and its clients share.

EN 16931 BG-5 / BG-8 (street, city, postcode, subdivision, country) and BT-34 / BT-49 (the
electronic address with its EAS scheme). The model's `clean` checks the values (an ISO 3166-1
country, a known EAS scheme with its id); these schemas only bound their length.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from invoicetron.api.fields import Input

Street = Annotated[str, StringConstraints(max_length=200)]
Place = Annotated[str, StringConstraints(max_length=100)]
Postcode = Annotated[str, StringConstraints(max_length=32)]
Country = Annotated[
    str,
    StringConstraints(max_length=2),
    Field(examples=["DE"], description="ISO 3166-1 alpha-2 code; empty if unknown."),
]
Scheme = Annotated[
    str,
    StringConstraints(max_length=4),
    Field(examples=["0088"], description="EAS code: 0088 GLN, 9930 German VAT, EM email…"),
]
EndpointId = Annotated[str, StringConstraints(max_length=128)]
RegistrationId = Annotated[str, StringConstraints(max_length=64)]


class AddressFields(Schema):
    street: str
    street_2: str
    city: str
    postcode: str
    subdivision: str
    country: str
    endpoint_scheme: str = Field(description="The electronic address's scheme (EAS code).")
    endpoint_id: str = Field(description="The electronic address (BT-34 / BT-49).")


class AddressIn(Input):
    street: Street = ""
    street_2: Street = ""
    city: Place = ""
    postcode: Postcode = ""
    subdivision: Place = ""
    country: Country = ""
    endpoint_scheme: Scheme = ""
    endpoint_id: EndpointId = ""


class AddressPatch(Input):
    street: Street | None = None
    street_2: Street | None = None
    city: Place | None = None
    postcode: Postcode | None = None
    subdivision: Place | None = None
    country: Country | None = None
    endpoint_scheme: Scheme | None = None
    endpoint_id: EndpointId | None = None
