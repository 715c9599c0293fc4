"""Which paid deposit invoice a final invoice deducts (money rule 13)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from invoicetron.billing.models.invoices import Invoice


class DepositDeduction(models.Model):
    """`deposit` is deducted on `final`, once: a deposit belongs to one final invoice at most
    (the one-to-one), draft or issued. Deleting the final draft frees it; an issued final invoice
    is never deleted, so its deductions stay."""

    final = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="deductions")
    # A draft deposit deleted leaves the final invoice; an issued one is never deleted.
    deposit = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="deducted_on")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(final=models.F("deposit")),
                name="billing_depositdeduction_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deposit} on {self.final}"
