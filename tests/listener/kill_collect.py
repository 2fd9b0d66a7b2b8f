"""Run a collection in this process and SIGKILL it after the Nth page is flushed but before its commit."""

import os
import signal
import sys

from listener import service
from models.db import make_engine, make_session_factory
from settings import Settings

url, source_id, die_on_page = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
real_ingest = service.ingest
pages = 0


def ingest_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
    global pages
    result = real_ingest(*args, **kwargs)
    pages += 1
    if pages == die_on_page:
        os.kill(os.getpid(), signal.SIGKILL)
    return result


service.ingest = ingest_then_die
service.run_collection(make_session_factory(make_engine(url)), source_id, settings=Settings(database_url=url))
