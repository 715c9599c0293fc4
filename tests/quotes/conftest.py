from tests.automation.conftest import job_tables  # noqa: F401 - fixtures, used by name
from tests.messaging.conftest import mail_server  # noqa: F401
