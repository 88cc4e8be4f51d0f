"""Signed-in roles: a storage state per role, made once per worker."""

from sitewise.auth.signin import SignIn, SignInError, form_sign_in

__all__ = ["SignIn", "SignInError", "form_sign_in"]
