"""gunicorn as ``manage.py runnode`` starts it: access lines through the same redaction as every other line.

Each worker freezes what it has loaded out of the garbage collector's walks (``config.workers``).

The request line of a registration's link holds its token, and a client's Basic credentials would
give gunicorn a user name: the access lines leave the user out and pass ``config.logging``'s filter.
"""

from config.logging import gunicorn_logconfig
from config.workers import post_worker_init  # noqa: F401  (a gunicorn hook, called in each worker)

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logconfig_dict = gunicorn_logconfig(plain=True)
