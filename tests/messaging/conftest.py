from tests.automation.jobs import job_tables  # noqa: F401 - fixtures, used by name
from tests.messaging.smtp import mail_server, refusing_login_server  # noqa: F401
