"""What the demo business sells, to whom, in which currencies and under which taxes."""

from __future__ import annotations

from decimal import Decimal

# Name fragments: combined, they give thousands of distinct, plausible company names.
NAME_STARTS = (
    "Northwind", "Blue Harbor", "Silverline", "Granite", "Redwood", "Lumen", "Atlas", "Cobalt",
    "Juniper", "Meridian", "Orchard", "Pioneer", "Quartz", "Riverside", "Summit", "Tidewater",
    "Vantage", "Willow", "Zenith", "Aurora", "Beacon", "Cedar", "Delta", "Evergreen", "Falcon",
    "Harbor Light", "Ironwood", "Keystone", "Lighthouse", "Maple", "Nimbus", "Oakridge",
)  # fmt: skip
NAME_MIDDLES = (
    "Logistics", "Analytics", "Design", "Foods", "Robotics", "Media", "Consulting", "Health",
    "Energy", "Labs", "Studios", "Systems", "Architecture", "Ventures", "Outfitters", "Print",
)  # fmt: skip
NAME_ENDS = ("Ltd", "GmbH", "SARL", "Inc.", "BV", "AB", "KK", "SA", "LLC", "Oy")
STREETS = ("Main Street", "Rue de la Paix", "Hauptstraße", "Kungsgatan", "Via Roma", "High St")
CITIES = ("Paris", "Berlin", "London", "New York", "Stockholm", "Tokyo", "Zürich", "Lyon")
PEOPLE = ("Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances")
SURNAMES = ("Lovelace", "Hopper", "Turing", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen")

# (description, unit, unit price): prices carry up to four decimals, as the columns allow.
ITEMS = (
    ("Design work", "hour", Decimal("85")),
    ("Development", "hour", Decimal("95")),
    ("Project management", "hour", Decimal("70")),
    ("Consulting day", "day", Decimal("750")),
    ("Hosting, one month", "month", Decimal("49.90")),
    ("Support plan", "month", Decimal("199")),
    ("Printed brochures", "piece", Decimal("1.2375")),
    ("Photography session", "piece", Decimal("420")),
    ("Translation", "word", Decimal("0.12")),
    ("Training workshop", "day", Decimal("1250")),
    ("Software licence", "seat", Decimal("19.99")),
    ("Travel expenses", "", Decimal("312.40")),
)

# Tax sets a line may carry: one VAT rate, a reduced rate, none, or two taxes (Québec GST + QST).
TAX_RATES = (
    ("VAT", Decimal("20")),
    ("VAT", Decimal("5.5")),
    ("VAT", Decimal("10")),
    ("GST", Decimal("5")),
    ("QST", Decimal("9.975")),
)
TAX_SETS: tuple[tuple[tuple[str, Decimal], ...], ...] = (
    (("VAT", Decimal("20")),),
    (("VAT", Decimal("20")),),
    (("VAT", Decimal("20")),),
    (("VAT", Decimal("5.5")),),
    (("VAT", Decimal("10")),),
    (("GST", Decimal("5")), ("QST", Decimal("9.975"))),
    (),
)

# Currency → units of the base currency (EUR) per unit, around which daily rates move a little.
# The first is the base currency; most clients pay in it.
CURRENCY_RATES = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "CHF": Decimal("1.04"),
    "JPY": Decimal("0.0062"),
    "SEK": Decimal("0.087"),
}
CURRENCY_WEIGHTS = (60, 15, 10, 5, 5, 5)
PAYMENT_TERMS = (None, None, 14, 30, 45, 60)
PAYMENT_METHODS = ("bank_transfer", "bank_transfer", "bank_transfer", "card", "direct_debit")
CREDIT_REASONS = ("Delivered late", "Damaged on arrival", "Billed twice", "Goodwill gesture")
