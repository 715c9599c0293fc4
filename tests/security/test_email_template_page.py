"""The email template page in Chromium: the preview follows the text as it is typed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from invoicetron.accounts.models import User
from invoicetron.messaging.models import EmailTemplate
from tests.fixtures import factories
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_preview_follows_the_template_and_says_what_is_refused(
    live_server: Any,
    page: Any,
    owner: User,
) -> None:
    page.set_default_timeout(10_000)
    factories.business()
    factories.issued_invoice(owner)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/settings/emails/invoice/")
    preview = page.locator("#email-preview")
    expect(preview).to_contain_text("Hello Globex Corporation")  # the saved (default) template

    page.get_by_label("Body").fill("Dear {{ contact_name }}, {{ balance_due }} is due.")
    expect(preview).to_contain_text("Dear Hank Scorpio, €432.00 is due.")

    page.get_by_label("Body").fill("{% lorem %} {{ invoice.created_by.password }}")
    expect(preview).to_contain_text("The tag {% lorem %} is not available in emails.")
    expect(preview).to_contain_text("{{ client_name }}")
    expect(preview).not_to_contain_text("Lorem ipsum")
    assert not EmailTemplate.objects.exists()  # previews save nothing
