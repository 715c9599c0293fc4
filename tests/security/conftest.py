from tests.automation.jobs import job_tables  # noqa: F401 - fixtures, used by name
from tests.browser.conftest import browser, page  # noqa: F401
from tests.messaging.smtp import mail_server  # noqa: F401
