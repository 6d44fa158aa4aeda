"""gunicorn for a production node (stadtlabor-web.service): loopback only, behind nginx, JSON logs.

Settings not made here can be given in the environment as GUNICORN_CMD_ARGS, e.g. "--workers 5".
"""

from config.logging import gunicorn_logconfig
from config.workers import post_worker_init  # noqa: F401  (a gunicorn hook: each worker freezes what it loaded)

bind = "127.0.0.1:8000"
workers = 3
threads = 4
timeout = 30
graceful_timeout = 20
keepalive = 5
# Only nginx on this machine may say that a request came in over https (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1,::1"
# Access lines: the client as nginx saw it (X-Forwarded-For), request line, status, size, milliseconds
# and user agent. No user name (gunicorn takes it from a Basic Authorization header), no other header;
# the node never takes tokens from query strings (RFC 9700), and the redaction filter runs here too.
accesslog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
logconfig_dict = gunicorn_logconfig()
# systemd restarts and reloads gunicorn (HUP); its control socket under $HOME is not wanted there.
control_socket_disable = True
