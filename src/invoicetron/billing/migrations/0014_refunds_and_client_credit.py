"""Refunds and client credit (issue #19).

- `billing_refund`: money paid back, of a payment or of client credit. The payment summary
  (migration 0008) now counts it: `amount` is what was received net of refunds, `refunds` and
  `refunded` count and sum the refunds (converted with the refund's rate, money rule 9), so the
  payments report and the dashboard show money received less money paid back.
- `billing_creditentry`: the client-credit ledger (signed amounts per client and currency, each
  pointing at its source). A trigger keeps `billing_clientcreditbalance` in the same transaction,
  and that table's CHECK (balance >= 0) refuses any movement that would spend credit twice: two
  concurrent applications both update the one balance row, so the second waits for the first and
  then fails the CHECK.
- Every new table moves the change marker (migration 0006).

The per-client summary (0011) needs nothing new: refunds, credit kept and credit applied all move
an invoice's stored balance, which its trigger already follows; tests/reports hold it equal.
"""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import invoicetron.billing.models.common

_BASE_CURRENCY = (
    "COALESCE((SELECT p.base_currency FROM billing_businessprofile p WHERE p.singleton), 'EUR')"
)
NEW_TABLES = ("billing_refund", "billing_creditentry", "billing_clientcreditbalance")

FORWARD = f"""
CREATE FUNCTION billing_refund_summary() RETURNS trigger AS $$
DECLARE
    base_code text := {_BASE_CURRENCY};
    places integer := billing_minor_unit(base_code);
    row_sign integer;
    refund billing_refund;
    converted numeric;
BEGIN
    FOREACH row_sign IN ARRAY ARRAY[-1, 1] LOOP
        CONTINUE WHEN (row_sign = -1 AND TG_OP = 'INSERT') OR (row_sign = 1 AND TG_OP = 'DELETE');
        refund := CASE WHEN row_sign = -1 THEN OLD ELSE NEW END;
        converted := COALESCE(ROUND(refund.amount * refund.exchange_rate, places), 0);
        INSERT INTO billing_paymentsummaryday AS s
               (base_currency, day, method, payments, amount, refunds, refunded)
        VALUES (base_code, refund.date, refund.method, 0, -row_sign * converted, row_sign,
                row_sign * converted)
        ON CONFLICT (base_currency, day, method) DO UPDATE
           SET amount = s.amount + EXCLUDED.amount, refunds = s.refunds + EXCLUDED.refunds,
               refunded = s.refunded + EXCLUDED.refunded;
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_refund_summary AFTER INSERT OR UPDATE OR DELETE ON billing_refund
    FOR EACH ROW EXECUTE FUNCTION billing_refund_summary();

CREATE FUNCTION billing_credit_balance() RETURNS trigger AS $$
DECLARE
    row_sign integer;
    entry billing_creditentry;
BEGIN
    FOREACH row_sign IN ARRAY ARRAY[-1, 1] LOOP
        CONTINUE WHEN (row_sign = -1 AND TG_OP = 'INSERT') OR (row_sign = 1 AND TG_OP = 'DELETE');
        entry := CASE WHEN row_sign = -1 THEN OLD ELSE NEW END;
        -- The row first, at zero: a CHECK is tested on the row an INSERT proposes, before ON
        -- CONFLICT, so a negative first amount could not go through an upsert.
        INSERT INTO billing_clientcreditbalance (client_id, currency, balance)
        VALUES (entry.client_id, entry.currency, 0)
        ON CONFLICT (client_id, currency) DO NOTHING;
        UPDATE billing_clientcreditbalance
           SET balance = balance + row_sign * entry.amount
         WHERE client_id = entry.client_id AND currency = entry.currency;
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_credit_balance AFTER INSERT OR UPDATE OR DELETE ON billing_creditentry
    FOR EACH ROW EXECUTE FUNCTION billing_credit_balance();
""" + "".join(
    f"""
CREATE TRIGGER {table}_marks_change
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION billing_mark_change();
"""
    for table in NEW_TABLES
)

REVERSE = (
    "".join(f"DROP TRIGGER {table}_marks_change ON {table};" for table in NEW_TABLES)
    + """
DROP TRIGGER billing_credit_balance ON billing_creditentry;
DROP FUNCTION billing_credit_balance();
DROP TRIGGER billing_refund_summary ON billing_refund;
DROP FUNCTION billing_refund_summary();
"""
)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0012_list_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='paymentsummaryday',
            name='refunded',
            field=models.DecimalField(decimal_places=4, db_default=Decimal('0'), max_digits=30),
        ),
        migrations.AddField(
            model_name='paymentsummaryday',
            name='refunds',
            field=models.IntegerField(db_default=0),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('create', 'Created'), ('change', 'Changed'), ('delete', 'Deleted'), ('archive', 'Archived'), ('issue', 'Issued'), ('send', 'Sent'), ('payment', 'Payment recorded'), ('payment_delete', 'Payment deleted'), ('credit', 'Credit note issued'), ('refund', 'Refund recorded'), ('refund_delete', 'Refund deleted'), ('credit_apply', 'Client credit applied'), ('credit_unapply', 'Applied credit removed'), ('email', 'Emailed'), ('retry', 'Retried'), ('link_create', 'Public link created'), ('link_revoke', 'Public link revoked'), ('link_view', 'Viewed through its public link'), ('accept', 'Accepted'), ('decline', 'Declined'), ('convert', 'Converted to an invoice'), ('expire', 'Expired')], max_length=16),
        ),
        migrations.CreateModel(
            name='Refund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3, validators=[invoicetron.billing.models.common.validate_currency])),
                ('exchange_rate', models.DecimalField(decimal_places=10, default=Decimal('1'), max_digits=20)),
                ('date', models.DateField()),
                ('amount', models.DecimalField(decimal_places=4, max_digits=18)),
                ('method', models.CharField(choices=[('bank_transfer', 'Bank transfer'), ('card', 'Card'), ('cash', 'Cash'), ('cheque', 'Cheque'), ('direct_debit', 'Direct debit'), ('online', 'Online payment'), ('other', 'Other')], default='bank_transfer', max_length=16)),
                ('reference', models.CharField(blank=True, max_length=200)),
                ('notes', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='billing.client')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('invoice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='billing.invoice')),
                ('payment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='billing.payment')),
            ],
            options={
                'ordering': ('-date', '-id'),
            },
        ),
        migrations.CreateModel(
            name='CreditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3, validators=[invoicetron.billing.models.common.validate_currency])),
                ('amount', models.DecimalField(decimal_places=4, max_digits=18)),
                ('kind', models.CharField(choices=[('overpayment', 'Overpayment kept as credit'), ('credit_note', 'Credit note surplus'), ('application', 'Applied credit'), ('refund', 'Credit refunded')], max_length=16)),
                ('date', models.DateField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='billing.client')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('credit_note', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='billing.creditnote')),
                ('invoice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='billing.invoice')),
                ('payment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='billing.payment')),
                ('refund', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='billing.refund')),
            ],
            options={
                'ordering': ('-date', '-id'),
            },
        ),
        migrations.CreateModel(
            name='ClientCreditBalance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3, validators=[invoicetron.billing.models.common.validate_currency])),
                ('balance', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=18)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='credit_balances', to='billing.client')),
            ],
            options={
                'ordering': ('currency',),
                'constraints': [models.UniqueConstraint(fields=('client', 'currency'), name='billing_clientcreditbalance_key'), models.CheckConstraint(condition=models.Q(('balance__gte', 0)), name='billing_clientcreditbalance_not_negative')],
            },
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='billing_refund_amount_positive'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('exchange_rate__gt', 0)), name='billing_refund_rate_positive'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('invoice__isnull', True), ('payment__isnull', True)), models.Q(('invoice__isnull', False), ('payment__isnull', False)), _connector='OR'), name='billing_refund_payment_with_invoice'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$')), name='billing_refund_currency_iso'),
        ),
        migrations.AddIndex(
            model_name='creditentry',
            index=models.Index(fields=['client', 'currency', 'date'], name='billing_creditentry_client'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$')), name='billing_creditentry_currency_iso'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('credit_note__isnull', True), ('invoice__isnull', False), ('kind', 'overpayment'), ('payment__isnull', False), ('refund__isnull', True)), models.Q(('amount__gt', 0), ('credit_note__isnull', False), ('invoice__isnull', False), ('kind', 'credit_note'), ('payment__isnull', True), ('refund__isnull', True)), models.Q(('amount__lt', 0), ('credit_note__isnull', True), ('invoice__isnull', False), ('kind', 'application'), ('payment__isnull', True), ('refund__isnull', True)), models.Q(('amount__lt', 0), ('credit_note__isnull', True), ('invoice__isnull', True), ('kind', 'refund'), ('payment__isnull', True), ('refund__isnull', False)), _connector='OR'), name='billing_creditentry_kind_source'),
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
