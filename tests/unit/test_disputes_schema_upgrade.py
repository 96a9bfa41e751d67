"""A sandbox database seeded before ``disputes.updated_by`` existed gets the columns at start."""

from __future__ import annotations

import sqlalchemy as sa

from bo_desktop.sandbox import db
from bo_desktop.sandbox.api.routes.disputes import add_missing_columns


def test_missing_dispute_columns_are_added_and_rows_survive() -> None:
    engine = db.make_engine("sqlite://")
    old = sa.MetaData()
    sa.Table("disputes", old, sa.Column("id", sa.String(16), primary_key=True), sa.Column("subject", sa.Text))
    old.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO disputes (id, subject) VALUES ('D-000001', 'kept')")

    added = add_missing_columns(engine, db.Dispute.__table__)  # type: ignore[arg-type]

    assert {"updated_by", "updated_by_name", "updated_at"} <= set(added)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("disputes")}
    assert {c.name for c in db.Dispute.__table__.columns} <= columns
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT subject, updated_by FROM disputes")).one()
    assert tuple(row) == ("kept", None)
    assert add_missing_columns(engine, db.Dispute.__table__) == []  # type: ignore[arg-type]
