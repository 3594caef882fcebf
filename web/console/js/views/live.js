// Calls in progress, refreshed every 1.5 s (within the 2 s the page promises), each with its
// recording controls.

import * as api from "../api.js";
import { announce, h, heading, replace } from "../dom.js";
import * as fmt from "../format.js";
import { recordingControls } from "../controls.js";

const REFRESH_MS = 1500;

export async function render(main) {
  const list = h("ul", { class: "live-calls" });
  const updated = h("p", { class: "hint" });
  replace(main, heading("Live calls"), updated, list);

  let stopped = false;
  let busy = false;
  let shown = null;
  const refresh = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const { calls } = await api.get("/calls/live");
      const signature = JSON.stringify(calls);
      if (signature !== shown) {
        shown = signature;
        announceChanges(list, calls);
        const focus = focusedControl(list);
        replace(list, calls.length ? calls.map((call) => item(call, refresh)) : h("li", { text: "No call is in progress." }));
        restoreFocus(list, focus);
      }
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      updated.textContent = error.message;
    } finally {
      busy = false;
    }
  };
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

function item(call, refresh) {
  return h(
    "li",
    { class: "card live-call", dataset: { transactionId: call.transaction_id, state: call.recording_state } },
    h("h2", {}, h("a", { href: `#/calls/${encodeURIComponent(call.transaction_id)}`, text: `${fmt.direction(call.direction)} call with ${call.other_number || "unknown"}` })),
    h("p", {}, "Started ", h("time", { datetime: call.started_at, text: fmt.dateTime(call.started_at) }), ". Recording: ", h("strong", { class: "live-state", text: fmt.recordingState(call.recording_state) })),
    recordingControls(call, refresh),
  );
}

function announceChanges(list, calls) {
  for (const call of calls) {
    const entry = [...list.querySelectorAll("li[data-transaction-id]")].find((li) => li.dataset.transactionId === call.transaction_id);
    if (entry && entry.dataset.state !== call.recording_state) {
      announce(`Recording of the call with ${call.other_number || "the other party"} is now ${fmt.recordingState(call.recording_state)}.`);
    }
  }
}

// Redrawing must not drop the keyboard user's place: put focus back on the same control, or on
// the first usable control of the same call when that one no longer applies.
function focusedControl(list) {
  const active = document.activeElement;
  if (!active || !list.contains(active)) return null;
  const entry = active.closest("li[data-transaction-id]");
  return entry ? { transactionId: entry.dataset.transactionId, action: active.dataset.action } : null;
}

function restoreFocus(list, focus) {
  if (!focus) return;
  const entry = [...list.querySelectorAll("li[data-transaction-id]")].find((li) => li.dataset.transactionId === focus.transactionId);
  if (!entry) return;
  const same = entry.querySelector(`button[data-action="${focus.action}"]:not([disabled])`);
  const first = entry.querySelector("button:not([disabled])");
  (same || first || entry.querySelector("a")).focus();
}
