"""gunicorn as ``manage.py runnode`` starts it: access lines through the same redaction as every other line.

The request line of a registration's link holds its token, and a client's Basic credentials would
give gunicorn a user name: the access lines leave the user out and pass ``config.logging``'s filter.
"""

from config.logging import gunicorn_logconfig

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logconfig_dict = gunicorn_logconfig(plain=True)
