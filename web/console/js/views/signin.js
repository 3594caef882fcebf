// Sign-in: user name and password, then whichever challenge Cognito asks for (a new password
// for an admin-created user, a TOTP code when MFA is on), until tokens arrive.

import * as cognito from "../cognito.js";
import * as session from "../session.js";
import { announce, field, h, heading, replace } from "../dom.js";

export function render(main) {
  if (session.signedIn()) {
    window.location.hash = "#/calls";
    return;
  }
  const error = h("p", { class: "error", role: "alert" });
  const username = h("input", { name: "username", autocomplete: "username", required: true });
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "signin-title" },
    field("User name", username),
    field("Password", password),
    error,
    h("button", { type: "submit", text: "Sign in" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(main, error, () => cognito.initiate(username.value.trim(), password.value), username.value.trim());
  });
  const title = heading("Sign in");
  title.id = "signin-title";
  replace(main, title, form);
}

async function attempt(main, error, step, username) {
  error.textContent = "";
  try {
    const result = await step();
    if (result.tokens) {
      session.start(result.tokens, username);
      announce("Signed in.");
      window.location.hash = "#/calls";
      return;
    }
    challenge(main, result, username);
  } catch (failure) {
    error.textContent = failure.message || String(failure);
  }
}

function challenge(main, result, username) {
  const error = h("p", { class: "error", role: "alert" });
  let controls;
  let answers;
  let title;
  if (result.challenge === "NEW_PASSWORD_REQUIRED") {
    title = "Choose a new password";
    const first = h("input", { name: "new-password", type: "password", autocomplete: "new-password", required: true, minlength: "12" });
    const second = h("input", { name: "confirm-password", type: "password", autocomplete: "new-password", required: true });
    controls = [
      field("New password", first, "At least 12 characters with upper and lower case, a digit and a symbol."),
      field("Repeat the new password", second),
    ];
    answers = () => {
      if (first.value !== second.value) throw new Error("The two passwords differ; type the same one twice.");
      return { NEW_PASSWORD: first.value };
    };
  } else if (result.challenge === "SOFTWARE_TOKEN_MFA") {
    title = "Enter your authenticator code";
    const code = h("input", { name: "mfa-code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", required: true });
    controls = [field("Six-digit code", code, "From the authenticator app you set up for this account.")];
    answers = () => ({ SOFTWARE_TOKEN_MFA_CODE: code.value.trim() });
  } else {
    replace(main, heading("Sign in"), h("p", { role: "alert", class: "error", text: `This console cannot answer the ${result.challenge} challenge; ask an admin.` }));
    return;
  }
  const form = h("form", { class: "card narrow" }, controls, error, h("button", { type: "submit", text: "Continue" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let given;
    try {
      given = answers();
    } catch (failure) {
      error.textContent = failure.message;
      return;
    }
    attempt(main, error, () => cognito.respond(result.challenge, result.session, username, given), username);
  });
  const header = heading(title);
  replace(main, header, form);
  header.focus();
}
