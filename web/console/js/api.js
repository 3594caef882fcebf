// The console HTTP API (docs/console-api.md): JSON in and out, the access token as a Bearer
// header on every request, errors as {error, message} raised as ApiError.

import { config } from "./config.js";
import * as session from "./session.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthenticated = () => {};

/** What to do when the session cannot be renewed (the router sends the user to sign in). */
export function whenUnauthenticated(callback) {
  onUnauthenticated = callback;
}

export async function request(method, path, { query, body } = {}) {
  const response = await send(method, path, query, body, false);
  if (response.status === 401) {
    const retried = await send(method, path, query, body, true);
    if (retried.status === 401) {
      session.end();
      onUnauthenticated();
    }
    return parse(retried);
  }
  return parse(response);
}

async function send(method, path, query, body, forceRefresh) {
  const { apiBaseUrl } = await config();
  const token = await session.accessToken(forceRefresh);
  const url = new URL(apiBaseUrl.replace(/\/$/, "") + path, window.location.href);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
}

async function parse(response) {
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(
      response.status,
      payload.error || `http_${response.status}`,
      payload.message || `The console API answered HTTP ${response.status}.`,
    );
  }
  return payload;
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body) => request("POST", path, { body });
export const del = (path) => request("DELETE", path);
export const put = (path, body) => request("PUT", path, { body });
