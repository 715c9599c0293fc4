from __future__ import annotations

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import AuditAction, AuditEvent, Client
from tests.fixtures import factories


def actions(invoice_id: int) -> list[str]:
    return list(
        services.events_for_invoice(invoice_id).order_by("id").values_list("action", flat=True)
    )


def test_an_invoices_life_is_recorded_step_by_step(owner: User, colleague: User) -> None:
    factories.business()
    invoice = factories.draft(owner)
    services.update_draft(invoice, by=colleague, notes="Thanks!")
    services.issue_invoice(invoice, by=owner)
    services.mark_sent(invoice, by=owner)
    payment = services.record_payment(invoice, amount="100", by=colleague)
    services.delete_payment(payment, by=owner)
    services.create_credit_note(invoice, by=owner)
    assert actions(invoice.pk) == [
        AuditAction.CREATE,
        AuditAction.CHANGE,
        AuditAction.ISSUE,
        AuditAction.SEND,
        AuditAction.PAYMENT,
        AuditAction.PAYMENT_DELETE,
        AuditAction.CREDIT,
    ]


def test_a_change_records_only_the_old_and_new_values_that_differ(owner: User) -> None:
    factories.business()
    invoice = factories.draft(owner)
    services.update_draft(invoice, by=owner, notes="Net 15", discount_value="10")
    event = AuditEvent.objects.get(action=AuditAction.CHANGE)
    assert event.old_values["notes"] == "" and event.new_values["notes"] == "Net 15"
    assert event.old_values["total"] == "432.0000" and event.new_values["total"] == "388.8000"
    assert "client" not in event.new_values
    assert event.actor_id == owner.pk


def test_deleting_a_draft_keeps_its_trail(owner: User) -> None:
    factories.business()
    invoice = factories.draft(owner)
    invoice_id = invoice.pk
    services.delete_draft(invoice, by=owner)
    event = services.events_for_invoice(invoice_id).get(action=AuditAction.DELETE)
    assert event.old_values["lines"][0]["description"] == "Design work"


def test_saving_records_is_audited_with_old_and_new_values(owner: User) -> None:
    client = services.save_record(Client(name="Initech"), by=owner)
    client.name = "Initech Ltd"
    services.save_record(client, by=owner)
    created, changed = AuditEvent.objects.filter(object_type="billing.client").order_by("id")
    assert created.action == AuditAction.CREATE and created.new_values["name"] == "Initech"
    assert (changed.old_values, changed.new_values) == (
        {"name": "Initech"},
        {"name": "Initech Ltd"},
    )
