"""The service exactly as wsgi.py builds it, with its `access` logger off: what that log line costs."""
import logging

from wsgi import create_app

app = create_app()
logging.getLogger("access").disabled = True
