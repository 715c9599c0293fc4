from tests.automation.jobs import job_tables  # noqa: F401 - fixtures, used by name
from tests.billing_ui.conftest import (  # noqa: F401
    as_colleague,
    as_owner,
    business,
    fast_passwords,
)
from tests.messaging.smtp import mail_server  # noqa: F401
