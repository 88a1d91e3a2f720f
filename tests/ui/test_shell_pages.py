"""The application's shell, run with AppTest on a real SQLite database: first run, sign-in,
sign-up, language, account, and the office's users and settings pages."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import select

from assess.i18n import t
from assess.services import _settings_values, accounts, settings
from assess.services.rubrics import installed
from assess.storage.models import User
from tests.ui.conftest import PASSWORD, ROOT

# --- helpers: find what a person sees by its label -------------------------------------------

def widget(elements, label: str):
    found = [e for e in elements if e.label == label]
    assert found, f"no widget labelled {label!r} among {[e.label for e in elements]}"
    return found[0]


def click(at, label: str):
    widget(at.button, label).click()
    return at.run()


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def user(session_factory, email: str) -> User | None:
    with session_factory() as session:
        found = session.scalar(select(User).where(User.email == email))
        if found is not None:
            found.role_names  # noqa: B018 (read for its effect: loads the roles before the session closes)
        return found


def fill_first_admin(at, *, password: str, again: str | None = None):
    widget(at.text_input, "E-mail address").input("office@example.org")
    widget(at.text_input, "Name shown").input("National office")
    widget(at.text_input, "Password").input(password)
    widget(at.text_input, "Password again").input(password if again is None else again)
    return click(at, "Create the administrator account")


# --- first run -------------------------------------------------------------------------------

def test_fresh_database_shows_first_run_and_creating_the_admin_signs_them_in(app_for, ui_database):
    at = app_for(None)
    assert texts(at.title) == ["Welcome to the eTwinning quality-label suite"]

    at = fill_first_admin(at, password=PASSWORD)

    assert not at.exception
    assert at.session_state["actor_id"] is not None
    assert any("you are signed in" in s for s in texts(at.success))
    assert {b.label for b in at.button} >= {"Load demonstration data", "Start with an empty suite"}
    with ui_database() as session:
        assert not accounts.needs_first_admin(session)
    admin = user(ui_database, "office@example.org")
    assert admin.role_names == {"admin"} and admin.password_hash != PASSWORD

    at = click(at, "Start with an empty suite")
    assert texts(at.title) == ["Jury rounds"]  # the office's home page


def test_first_run_refuses_a_short_password_and_stores_nothing(app_for, ui_database):
    at = fill_first_admin(app_for(None), password="short")

    assert not at.exception
    assert texts(at.error) == ["Please correct the 1 field marked below."]
    assert texts(at.caption) == [f"Password: The password must have at least {accounts.PASSWORD_MIN_LENGTH} characters."]
    assert at.session_state.get("actor_id") is None
    with ui_database() as session:
        assert accounts.needs_first_admin(session)


def test_first_run_refuses_two_different_passwords(app_for, ui_database):
    at = fill_first_admin(app_for(None), password=PASSWORD, again=PASSWORD + "!")

    assert "Password again: The two passwords differ." in texts(at.caption)
    with ui_database() as session:
        assert accounts.needs_first_admin(session)


def test_first_run_loads_demo_data_and_shows_the_teachers_password_once(app_for, ui_database):
    at = fill_first_admin(app_for(None), password=PASSWORD)
    at = click(at, "Load demonstration data")

    assert not at.exception
    [block] = texts(at.code)
    assert "Password: " in block and "@" in block
    assert any("shown only once" in w for w in texts(at.warning))
    demo_email = block.splitlines()[0]
    assert user(ui_database, demo_email).role_names == {"teacher"}

    at = click(at, "Continue")
    assert texts(at.title) == ["Jury rounds"]
    assert not at.code  # the password is gone


# --- sign-in and sign-up -----------------------------------------------------------------------

def sign_in(at, email: str, password: str):
    widget(at.text_input, "E-mail address").input(email)
    widget(at.text_input, "Password").input(password)
    return click(at, "Sign in")


def test_sign_in_with_the_right_password(app_for, people):
    at = app_for(None)
    assert texts(at.title) == ["Sign in"]

    at = sign_in(at, "Juror@Example.org ", PASSWORD)

    assert not at.exception
    assert at.session_state["actor_id"] == people.juror.id
    assert texts(at.title) == ["My applications to score"]  # a juror lands on their list


@pytest.mark.parametrize("email, password", [("juror@example.org", "wrong password"), ("nobody@example.org", PASSWORD)])
def test_wrong_credentials_get_one_generic_message_and_no_session(app_for, people, email, password):
    at = sign_in(app_for(None), email, password)

    assert texts(at.error) == ["The e-mail address or the password is wrong."]
    assert at.session_state.get("actor_id") is None
    assert texts(at.title) == ["Sign in"]


def test_sign_up_is_hidden_unless_the_office_allows_it(app_for, people):
    at = app_for(None)
    assert not at.expander
    assert "Create my account" not in [b.label for b in at.button]


def test_sign_up_creates_a_teacher_account_and_signs_in(app_for, people, ui_database):
    with ui_database.begin() as session:
        settings.put(session, actor=people.admin, key="allow_signup", value=True)
    at = app_for(None)
    [expander] = at.expander
    assert expander.label == "No account yet? Create one"

    form = at.get("form")[1]  # the sign-up form, after the sign-in form
    widget(form.text_input, "E-mail address").input("new.teacher@example.org")
    widget(form.text_input, "Name shown").input("New Teacher")
    widget(form.text_input, "Password").input(PASSWORD)
    widget(form.text_input, "Password again").input(PASSWORD)
    at = click(at, "Create my account")

    created = user(ui_database, "new.teacher@example.org")
    assert created is not None and created.role_names == {"teacher"}
    assert at.session_state["actor_id"] == created.id


def test_the_same_page_in_french(app_for, people):
    at = app_for(None, lang="fr")

    assert texts(at.title) == ["Connexion"]
    assert {t.label for t in at.text_input} == {"Adresse électronique", "Mot de passe"}
    assert "Se connecter" in [b.label for b in at.button]

    widget(at.text_input, "Adresse électronique").input("juror@example.org")
    widget(at.text_input, "Mot de passe").input("faux mot de passe")
    at = click(at, "Se connecter")
    assert texts(at.error) == ["L'adresse électronique ou le mot de passe est incorrect."]


# --- the menu --------------------------------------------------------------------------------

def menu(at) -> list[tuple[str, list[str]]]:
    """The sidebar's menu as a person reads it: each section's heading over its links."""
    sections: list[tuple[str, list[str]]] = []
    for element in at.sidebar:
        if element.type == "subheader":
            sections.append((element.value, []))
        elif element.type == "page_link":
            sections[-1][1].append(element.label)
    return sections


def test_the_menu_groups_each_persons_pages_under_their_sections(app_for, people):
    assert menu(app_for(people.juror, lang="fr")) == [("Jury", ["Mes candidatures à évaluer"]), ("Compte", ["Mon compte"])]
    teacher = menu(app_for(people.teacher))
    assert [title for title, _links in teacher] == ["Projects", "Account"]
    assert teacher[0][1][:2] == ["My projects", "Self-assessment"] and "Rounds" not in teacher[0][1]
    office = dict(menu(app_for(people.admin)))
    assert list(office) == ["National office", "Account"]
    assert office["National office"][:3] == ["All projects", "Rounds", "Decisions"]


def test_a_signed_out_visitor_has_no_menu(app_for, people):
    assert menu(app_for(None)) == []


# --- account ---------------------------------------------------------------------------------

def test_account_shows_who_is_signed_in_and_the_jury_note(app_for, people):
    at = app_for(people.juror, page="account")

    assert not at.exception
    shown = "\n".join(texts(at.markdown))
    assert "Ana Juror" in shown and "Juror" in shown and "juror@example\\.org" in shown
    assert any("Jury rounds will appear here" in i for i in texts(at.info))


def test_account_language_is_saved_to_the_account(app_for, people, ui_database):
    at = app_for(people.juror, page="account")
    widget(at.selectbox, "Language").select("fr")
    at = click(at, "Save the language")

    assert not at.exception
    assert texts(at.title) == ["Mon compte"]
    assert at.sidebar.button_group[0].value == "fr"  # the sidebar switch follows
    assert user(ui_database, "juror@example.org").language == "fr"


def test_change_password_checks_the_current_one(app_for, people, ui_database):
    at = app_for(people.juror, page="account")
    widget(at.text_input, "Current password").input("not my password")
    widget(at.text_input, "New password").input("a brand new passphrase")
    widget(at.text_input, "Password again").input("a brand new passphrase")
    at = click(at, "Change the password")
    assert texts(at.error) == ["The current password is wrong; the password was not changed."]

    widget(at.text_input, "Current password").input(PASSWORD)
    widget(at.text_input, "New password").input("a brand new passphrase")
    widget(at.text_input, "Password again").input("a brand new passphrase")
    at = click(at, "Change the password")
    assert texts(at.success) == ["Your password was changed."]
    with ui_database.begin() as session:
        assert accounts.authenticate(session, email="juror@example.org", password="a brand new passphrase") is not None


def test_sign_out(app_for, people):
    at = app_for(people.juror, page="account")
    at = click(at, "Sign out")

    assert at.session_state.get("actor_id") is None
    assert texts(at.title) == ["Sign in"]


# --- the office: accounts ------------------------------------------------------------------------

def test_admin_creates_a_teacher_account(app_for, people, ui_database):
    at = app_for(people.admin, page="users")
    assert not at.exception
    assert "claire@example.org" in list(at.dataframe[0].value["E-mail address"])

    form = at.get("form")[0]
    widget(form.text_input, "E-mail address").input("Lea.Petit@example.org")
    widget(form.text_input, "Name shown").input("Léa Petit")
    widget(form.text_input, "Initial password").input(PASSWORD)
    widget(form.checkbox, "Send an invitation mail (a link to choose a password)").uncheck()
    at = click(at, "Create the account")

    assert not at.exception
    assert texts(at.success) == ["The account lea\\.petit@example\\.org was created."]
    assert "lea.petit@example.org" in list(at.dataframe[0].value["E-mail address"])
    created = user(ui_database, "lea.petit@example.org")
    assert created.role_names == {"teacher"} and created.password_hash is not None
    assert widget(at.get("form")[0].text_input, "E-mail address").value == ""  # ready for the next one


def test_admin_creates_a_single_sign_on_account_and_errors_show_by_the_form(app_for, people, ui_database):
    at = app_for(people.admin, page="users")
    form = at.get("form")[0]
    widget(form.text_input, "E-mail address").input("claire@example.org")  # taken
    widget(form.text_input, "Name shown").input("Claire again")
    at = click(at, "Create the account")
    assert "E-mail address: An account with this e-mail address already exists." in texts(at.caption)

    form = at.get("form")[0]
    widget(form.text_input, "E-mail address").input("sso.juror@example.org")
    widget(form.multiselect, "Roles").set_value(["juror"])
    widget(form.checkbox, "Single sign-on only (no password)").check()
    at = click(at, "Create the account")
    created = user(ui_database, "sso.juror@example.org")
    assert created.role_names == {"juror"} and created.password_hash is None


def test_admin_changes_roles_deactivates_and_resets_a_password(app_for, people, ui_database):
    at = app_for(people.admin, page="users")
    widget(at.selectbox, "Account").select(people.teacher.id)
    at.run()
    roles = [m for m in at.multiselect if m.label == "Roles"][-1]  # the per-account form's
    roles.set_value(["teacher", "juror"])
    at = click(at, "Save the roles")
    assert not at.exception
    assert user(ui_database, "claire@example.org").role_names == {"teacher", "juror"}

    at = click(at, "Deactivate the account")
    assert not user(ui_database, "claire@example.org").is_active

    widget(at.text_input, "New password").input("reset passphrase 2")
    widget(at.text_input, "Password again").input("reset passphrase 2")
    at = click(at, "Set the new password")
    assert texts(at.success) == ["The password of claire@example\\.org was changed."]


def test_the_last_admin_cannot_be_deactivated(app_for, people, ui_database):
    at = app_for(people.admin, page="users")
    widget(at.selectbox, "Account").select(people.admin.id)
    at = click(at.run(), "Deactivate the account")

    assert texts(at.error) == ["This is the last active administrator account; create another one first."]
    assert user(ui_database, "office@example.org").is_active


# --- the office: settings ---------------------------------------------------------------------

def test_settings_saves_sign_up_and_a_gate_minimum(app_for, people, ui_database):
    rubric = next(r for r in installed() if r.gates)
    gate = rubric.gates[0]
    at = app_for(people.admin, page="settings")
    assert not at.exception

    widget(at.toggle, "Teachers may create their own account").set_value(True)
    at = click(at, "Save")  # the first "Save": the sign-up form
    assert texts(at.success) == ["The settings were saved."]

    number = at.number_input(key=f"gate_{rubric.id}_{gate.id}")
    assert number.value == gate.minimum
    number.set_value(4)
    [button] = [b for b in at.button if b.label == "Save" and b.form_id == f"gates_{rubric.id}"]
    at = button.click().run()

    with ui_database() as session:
        assert _settings_values.get(session, "allow_signup") is True
        assert _settings_values.gate_minimums(session, rubric.id)[gate.id] == 4
    assert at.number_input(key=f"gate_{rubric.id}_{gate.id}").value == 4
    # The audit log lists both changes, in words.
    said = list(at.dataframe[0].value["What happened"])
    assert len([s for s in said if s.startswith("National office changed the setting “")]) == 2, said


def test_settings_loads_demo_data(app_for, ui_database):
    # Only the administrator: demonstration data loads only where no real data is
    # (tests/ui/test_demo_pages.py has the refusal).
    with ui_database.begin() as session:
        admin = accounts.create_first_admin(session, email="office@example.org", display_name="National office",
                                            password=PASSWORD)
    at = click(app_for(admin, page="settings"), "Load demonstration data")

    assert not at.exception
    assert any("Demonstration data loaded" in s for s in texts(at.success))
    [block] = texts(at.code)
    assert "Password: " in block

    at = click(at, "Load demonstration data")
    assert "The demonstration data is already there; nothing was added." in texts(at.info)
    assert not at.code


def test_single_sign_on_only_accounts_see_no_password_form(app_for, people, ui_database):
    with ui_database.begin() as session:
        sso_user = accounts.actor_of(accounts.create_user(
            session, actor=people.admin, email="sso@example.org", display_name="Sso Teacher", roles={"teacher"}, password=None))
    at = app_for(sso_user, page="account")
    assert not at.exception
    assert not [f for f in at.text_input if f.label == t("account.current_password", "en")]
    with_password = app_for(people.teacher, page="account")
    assert [f for f in with_password.text_input if f.label == t("account.current_password", "en")]


def test_no_page_file_hides_a_standard_module():
    """Streamlit runs a page with its folder first on sys.path: a page named like a
    standard module (a page called statistics.py did) replaces that module for any code
    importing it first, and every page that needs it fails."""
    pages = {path.stem for path in (ROOT / "assess" / "ui" / "pages").glob("*.py")}
    assert pages & set(sys.stdlib_module_names) == set()
