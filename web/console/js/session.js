// The signed-in session: tokens in memory, mirrored to sessionStorage so a reload of this tab
// keeps it (closed with the tab; never localStorage, never a cookie, never the URL).

import { refresh } from "./cognito.js";

const KEY = "callrec.console.session";
const EARLY_REFRESH_MS = 60_000;
let current = load();

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function signedIn() {
  return Boolean(current && current.accessToken);
}

export function start(tokens, username) {
  current = { ...tokens, username };
  sessionStorage.setItem(KEY, JSON.stringify(current));
}

export function end() {
  current = null;
  sessionStorage.removeItem(KEY);
}

export function username() {
  return current ? current.username : "";
}

/** A valid access token, refreshed first when it is about to expire. */
export async function accessToken(force = false) {
  if (!current) return null;
  if (force || Date.now() > current.expiresAt - EARLY_REFRESH_MS) {
    if (!current.refreshToken) return null;
    try {
      start(await refresh(current.refreshToken), current.username);
    } catch {
      end();
      return null;
    }
  }
  return current.accessToken;
}
