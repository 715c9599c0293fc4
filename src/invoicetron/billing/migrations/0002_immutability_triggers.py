"""Database guards behind the services: issued documents and the audit trail cannot be altered.

The services refuse these changes first with a clear ValidationError; the triggers make sure that
no other path (a shell, a bug, a future API) can rewrite an issued document or the audit trail.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION billing_refuse_issued_invoice_change() RETURNS trigger AS $$
DECLARE
    settlement text[] := ARRAY['status', 'sent_at', 'amount_paid', 'amount_credited',
                               'balance_due', 'updated_at', 'created_by_id', 'issued_by_id'];
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued invoice % cannot be deleted', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status = 'draft'
       OR (to_jsonb(NEW) - settlement) IS DISTINCT FROM (to_jsonb(OLD) - settlement) THEN
        RAISE EXCEPTION 'issued invoice % cannot be changed', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_invoice_change();

CREATE FUNCTION billing_refuse_issued_line_change() RETURNS trigger AS $$
DECLARE
    owner_status text;
BEGIN
    SELECT i.status INTO owner_status FROM billing_invoice i
     WHERE i.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
    IF owner_status IS DISTINCT FROM 'draft' AND owner_status IS NOT NULL THEN
        RAISE EXCEPTION 'the lines of an issued invoice cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoiceline_frozen BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_line_change();

CREATE FUNCTION billing_refuse_issued_line_tax_change() RETURNS trigger AS $$
DECLARE
    owner_status text;
BEGIN
    SELECT i.status INTO owner_status FROM billing_invoice i
      JOIN billing_invoiceline l ON l.invoice_id = i.id
     WHERE l.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoiceline_id ELSE NEW.invoiceline_id END;
    IF owner_status IS DISTINCT FROM 'draft' AND owner_status IS NOT NULL THEN
        RAISE EXCEPTION 'the taxes of an issued invoice cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoiceline_taxes_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline_taxes
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_line_tax_change();

CREATE FUNCTION billing_refuse_rewrite() RETURNS trigger AS $$
DECLARE
    -- Columns that a user's deletion may still null out.
    mutable text[] := coalesce(TG_ARGV, ARRAY[]::text[]);
BEGIN
    IF TG_OP = 'DELETE'
       OR (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION '% rows cannot be changed or deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_creditnote_frozen BEFORE UPDATE OR DELETE ON billing_creditnote
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_rewrite('created_by_id');
CREATE TRIGGER billing_creditnoteline_frozen BEFORE UPDATE OR DELETE ON billing_creditnoteline
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_rewrite();
CREATE TRIGGER billing_auditevent_append_only BEFORE UPDATE OR DELETE ON billing_auditevent
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_rewrite();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS billing_auditevent_append_only ON billing_auditevent;
DROP TRIGGER IF EXISTS billing_creditnoteline_frozen ON billing_creditnoteline;
DROP TRIGGER IF EXISTS billing_creditnote_frozen ON billing_creditnote;
DROP TRIGGER IF EXISTS billing_invoiceline_taxes_frozen ON billing_invoiceline_taxes;
DROP TRIGGER IF EXISTS billing_invoiceline_frozen ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_frozen ON billing_invoice;
DROP FUNCTION IF EXISTS billing_refuse_rewrite();
DROP FUNCTION IF EXISTS billing_refuse_issued_line_tax_change();
DROP FUNCTION IF EXISTS billing_refuse_issued_line_change();
DROP FUNCTION IF EXISTS billing_refuse_issued_invoice_change();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
