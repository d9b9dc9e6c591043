"""Drop and recreate the PostgreSQL database named in a URL (used by `make migrations-check`)."""

from __future__ import annotations

import sys

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from config import normalise_database_url


def main(url_text: str) -> None:
    url = make_url(normalise_database_url(url_text))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
