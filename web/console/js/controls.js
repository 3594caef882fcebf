// Start / pause / resume / stop for a live call's recording. Which buttons make sense follows the
// recording state; the server decides (409 when the call is no longer live or Chime refuses).

import * as api from "./api.js";
import { announce, h } from "./dom.js";

const ALLOWED = {
  not_started: ["start"],
  stopped: ["start"],
  recording: ["pause", "stop"],
  paused: ["resume", "stop"],
};
const LABELS = { start: "Start", pause: "Pause", resume: "Resume", stop: "Stop" };

/** A toolbar for `call`; `changed()` is awaited after a command is accepted. */
export function recordingControls(call, changed) {
  const message = h("p", { class: "control-message", role: "alert" });
  const allowed = ALLOWED[call.recording_state] || [];
  const buttons = Object.keys(LABELS).map((action) =>
    h("button", {
      type: "button",
      class: action === "stop" ? "danger" : "",
      dataset: { action },
      disabled: !allowed.includes(action),
      "aria-label": `${LABELS[action]} recording of the call with ${call.other_number || "the other party"}`,
      text: LABELS[action],
      onclick: async (event) => {
        // aria-disabled, not disabled, while the request runs: a disabled button would drop
        // the keyboard focus to the page.
        const button = event.currentTarget;
        if (button.getAttribute("aria-disabled") === "true") return;
        button.setAttribute("aria-disabled", "true");
        message.textContent = "";
        try {
          await api.post(`/calls/${encodeURIComponent(call.transaction_id)}/recording`, { action });
          announce(`${LABELS[action]} requested.`);
          await changed();
        } catch (error) {
          message.textContent = error.message;
        } finally {
          button.removeAttribute("aria-disabled");
        }
      },
    }),
  );
  return h(
    "div",
    { class: "controls" },
    h("div", { role: "group", "aria-label": "Recording controls", class: "button-row" }, buttons),
    message,
  );
}
