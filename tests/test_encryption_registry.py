"""Key rotation covers every encrypted column (privacy review: ``rotate-keys`` skipped the frozen
finance rows, so removing the old key, as the README says, broke batch downloads)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import String, Text, select

from app import create_app, crypto, db
from app.account import service as accounts
from app.account.models import BankDetailsChange, Contributor
from app.claims import export
from app.staff.models import StaffUser
from tests.claims.test_export import approved_claims

BANK = {"account_name": "Ann Example", "sort_code": "309452", "account_number": "00733445", "roll_number": ""}


def _seed(app) -> None:  # type: ignore[no-untyped-def]
    """One value in every encrypted column, written with the app's (old) key."""
    from tests.conftest import make_staff

    finance_id = make_staff(app, "finance")
    with app.test_request_context():
        approved_claims(app, ["Ann Example"])
        export.make_batch(db.session().get(StaffUser, finance_id))  # frozen, encrypted finance rows
        ann = db.session().scalar(select(Contributor).where(Contributor.name == "Ann Example"))
        officer = db.session().scalar(select(StaffUser).where(StaffUser.role == "officer"))
        accounts.request_bank_change(ann, BANK | {"account_number": "11112222"}, officer)


def test_every_column_that_holds_tokens_is_marked_encrypted(app) -> None:
    _seed(app)
    unmarked = []
    with app.app_context():
        for table in db.Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, (String, Text)) or column.info.get("encrypted"):
                    continue
                values = db.session().scalars(select(column).where(column.like("gAAAAA%")).limit(1)).all()
                if values:
                    unmarked.append(f"{table.name}.{column.name}")
    assert unmarked == [], f"Fernet tokens in columns not marked crypto.ENCRYPTED: {unmarked}"
    assert {str(c) for c in crypto.encrypted_columns(db.Base.metadata)} >= {
        "contributors.bank_details", "bank_details_changes.details", "claims.export_row"}


def test_rotation_re_encrypts_every_marked_column_so_the_old_key_can_go(settings) -> None:
    old, new = settings.data_encryption_key, Fernet.generate_key().decode()
    app_old = create_app(settings)
    _seed(app_old)
    both = create_app(settings.replace(data_encryption_key=f"{new},{old}"))
    result = both.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0 and "Re-encrypted 3 record(s)" in result.output, result.output
    only_new = create_app(settings.replace(data_encryption_key=new))
    with only_new.app_context():
        ann = db.session().scalar(select(Contributor).where(Contributor.name == "Ann Example"))
        assert accounts.bank_details(ann)["account_number"] == "00733445"
        change = db.session().scalar(select(BankDetailsChange))
        assert crypto.decrypt_json(change.details)["account_number"] == "11112222"
        assert "00733445" in "".join(export.batch_csv(1))  # the frozen row reads with the new key alone
    for application in (app_old, both, only_new):
        application.extensions["db_engine"].dispose()
