// Hash routing (#/calls, #/calls/<id>, #/live, #/audit, #/signin): the URL names a page and its
// filters, never a token. Each view is `render(main, params) -> cleanup?`.

import * as api from "./api.js";
import * as session from "./session.js";
import { announce, h, heading, replace } from "./dom.js";
import * as signIn from "./views/signin.js";
import * as calls from "./views/calls.js";
import * as callDetail from "./views/call-detail.js";
import * as live from "./views/live.js";
import * as audit from "./views/audit.js";
import * as notFound from "./views/not-found.js";

const ROUTES = [
  [/^\/signin$/, signIn, false],
  [/^\/calls$/, calls, true],
  [/^\/calls\/([^/]+)$/, callDetail, true],
  [/^\/live$/, live, true],
  [/^\/audit$/, audit, true],
];

let cleanup = null;
let me = null;

export async function identity(force = false) {
  if (force || !me) me = await api.get("/me");
  return me;
}

function parse(hash) {
  const raw = hash.replace(/^#/, "") || "/calls";
  const [path, search = ""] = raw.split("?");
  return { path, query: new URLSearchParams(search) };
}

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  const main = document.getElementById("view");
  const { path, query } = parse(window.location.hash);
  const match = ROUTES.map(([pattern, view, needsAuth]) => [path.match(pattern), view, needsAuth])
    .find(([found]) => found);
  const [found, view, needsAuth] = match || [null, notFound, false];
  if (needsAuth && !session.signedIn()) {
    window.location.hash = "#/signin";
    return;
  }
  try {
    await showNavigation();
    const params = { query, args: found ? found.slice(1).map(decodeURIComponent) : [], me };
    cleanup = (await view.render(main, params)) || null;
  } catch (error) {
    renderError(main, error);
  }
  const title = main.querySelector("h1");
  document.title = title ? `${title.textContent} · Call console` : "Call console";
  (title || main).focus();
}

async function showNavigation() {
  const nav = document.getElementById("nav");
  if (!session.signedIn()) {
    nav.hidden = true;
    me = null;
    return;
  }
  try {
    await identity();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) return;
    throw error;
  }
  nav.hidden = false;
  document.getElementById("nav-audit").hidden = !me.is_admin;
  const role = me.is_admin ? "admin" : "owner";
  replace(document.getElementById("whoami"), `${me.display_name || me.username} (${role})`);
}

function renderError(main, error) {
  if (error instanceof api.ApiError && error.status === 404) {
    notFound.render(main);
    return;
  }
  replace(
    main,
    heading("Something went wrong"),
    h("p", { role: "alert", class: "error", text: error.message || String(error) }),
    h("p", {}, h("a", { href: "#/calls", text: "Back to the calls" })),
  );
}

function signOut() {
  session.end();
  me = null;
  announce("Signed out.");
  window.location.hash = "#/signin";
}

api.whenUnauthenticated(() => {
  me = null;
  announce("Your session ended. Sign in again.");
  window.location.hash = "#/signin";
});

document.getElementById("sign-out").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
route();
