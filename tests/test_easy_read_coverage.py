"""Easy read all the way down: every word of every contributor's form has an easy-read form.

Every form a contributor meets (every ``app.forms.Form`` that is not a ``StaffForm``) declares,
with each label, hint, choice and error message, its easy-read words (``i18n.both``), so a
field cannot be added without them. With easy read on, the page shows those words; off, the
standard ones. Messages raised in a form's own checks (``ValidationError``) are declared the
same way, which the source is read for.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any, Iterator

import pytest
from wtforms import Field

from app.forms import Form, StaffForm
from app.i18n import Both

ROOMS = ("app.forms", "app.account.forms", "app.interests.forms", "app.interests.equality", "app.claims.forms",
         "app.meetings.forms", "app.roles.forms", "app.staff.forms", "app.involvement.forms")


def contributor_forms() -> list[type[Form]]:
    found: dict[str, type[Form]] = {}
    for name in ROOMS:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, Form) and not issubclass(value, StaffForm)
                    and value is not Form and value.__module__ == name):
                found[f"{name}.{value.__name__}"] = value
    return [found[k] for k in sorted(found)]


def words(field: Field) -> Iterator[tuple[str, Any]]:
    """Every piece of text a contributor can meet on ``field``: (what, the text)."""
    yield "label", field.label.text
    if field.description:
        yield "hint", field.description
    for choice in getattr(field, "choices", None) or []:
        label = choice[1] if isinstance(choice, tuple) else getattr(choice, "label", choice)
        yield f"choice {choice[0] if isinstance(choice, tuple) else choice.value!r}", label
    for validator in field.validators:
        message = getattr(validator, "message", None)
        if message is not None or type(validator).__name__ in ("InputRequired", "DataRequired", "Length", "Email"):
            yield f"message of {type(validator).__name__}", message
    for message in getattr(field, "messages", {}).values():  # the shared fields' own messages
        yield "message", message


def fields(form: Form) -> Iterator[Field]:
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField", "SubmitField"):
            continue
        if field.type == "FieldList":
            for entry in field:
                yield from fields(entry.form) if hasattr(entry, "form") else [entry]
        elif field.type == "FormField":
            yield from fields(field.form)
        else:
            yield field


@pytest.mark.parametrize("form_class", contributor_forms(), ids=lambda c: c.__name__)
def test_every_word_of_a_contributors_form_has_an_easy_read_form(app, form_class: type[Form]) -> None:
    with app.test_request_context("/"):
        form = form_class(meta={"csrf": False})
        if hasattr(form, "expenses"):  # show one row of an add-another list
            form.expenses.append_entry()
        missing = [f"{field.name}: {what} {str(text)!r}" for field in fields(form)
                   for what, text in words(field) if not isinstance(text, Both)]
    assert not missing, "declare these with i18n.both(_l(...), er_l(...)):\n" + "\n".join(missing)


def _messages_raised(module_name: str) -> list[tuple[str, int, str]]:
    """(class, line, source) of each ValidationError/StopValidation raised in a contributor's form
    whose message is not declared with ``both(...)``."""
    source = Path(importlib.import_module(module_name).__file__ or "").read_text()
    staff = {name for name, value in vars(importlib.import_module(module_name)).items()
             if inspect.isclass(value) and issubclass(value, StaffForm)}
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name not in staff:
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and getattr(call.func, "id", "") in ("ValidationError", "StopValidation")
                        and call.args and not (isinstance(call.args[0], ast.Call)
                                               and getattr(call.args[0].func, "id", "") == "both")):
                    out.append((node.name, call.lineno, ast.unparse(call)[:90]))
    return out


@pytest.mark.parametrize("module_name", ROOMS)
def test_messages_a_form_raises_itself_have_an_easy_read_form(module_name: str) -> None:
    missing = _messages_raised(module_name)
    assert not missing, "\n".join(f"{cls} line {line}: {code}" for cls, line, code in missing)


def test_easy_read_on_shows_the_easy_words_and_off_the_standard_ones(app) -> None:
    from app.claims.forms import TimeForm

    with app.test_request_context("/?easy-read=on&lang=en"):
        on = str(TimeForm(meta={"csrf": False}).hours.label.text)
    with app.test_request_context("/?easy-read=off&lang=en"):
        off = str(TimeForm(meta={"csrf": False}).hours.label.text)
    assert off == "How many hours did it take, including getting ready?"
    assert on != off and len(on.split()) <= 8


def test_words_declared_with_both_copy_and_behave_as_strings(app) -> None:
    import copy

    from app.i18n import both

    words = both("Enter the hours, or 0", "Write how many hours. For example 2.")
    with app.test_request_context("/?easy-read=on&lang=en"):
        assert str(copy.deepcopy(words)) == "Write how many hours. For example 2."
        assert words.upper() == "WRITE HOW MANY HOURS. FOR EXAMPLE 2."
    with app.test_request_context("/?easy-read=off&lang=en"):
        assert words == "Enter the hours, or 0" and words.startswith("Enter") and f"{words}!" == "Enter the hours, or 0!"
