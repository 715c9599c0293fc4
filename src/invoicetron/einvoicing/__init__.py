"""E-invoices (EN 16931): issued invoices and credit notes as UBL, CII and Factur-X.

`document.EInvoice` is the one neutral form of a document that every writer reads; it is built
from a document's frozen snapshot only, so an issued document's e-invoice never changes.
"""
