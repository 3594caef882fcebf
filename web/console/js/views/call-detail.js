// One call: parties, times, the recording timeline, the stereo player with its two parties
// labelled, the transcript following playback (click a turn to seek), sentiment and talk time,
// the Word report, live recording control and deletion.

import * as api from "../api.js";
import { announce, h, heading, replace } from "../dom.js";
import * as fmt from "../format.js";
import { recordingControls } from "../controls.js";
import { activeTurn } from "../transcript-sync.js";

const LIVE_REFRESH_MS = 1500;

export async function render(main, { args }) {
  const [transactionId] = args;
  const path = `/calls/${encodeURIComponent(transactionId)}`;
  const detail = await api.get(path);
  const { call, links } = detail;
  const summary = h("section", { "aria-labelledby": "summary-title" });
  const media = h("section", { class: "media", "aria-labelledby": "media-title" });
  replace(main, heading(`Call with ${call.other_number || "unknown number"}`), h("div", { class: "call-layout" }, summary, media), deletion(call, path));
  renderSummary(summary, call);

  let timer = null;
  if (call.live) {
    let shown = JSON.stringify(call);
    // Poll the live list, not this call's route: every read of the call is an access-trail
    // entry, and a page left open would fill the trail. Once the call is over, read it once.
    const refresh = async () => {
      try {
        const { calls } = await api.get("/calls/live");
        let latest = calls.find((c) => c.transaction_id === call.transaction_id);
        if (!latest) {
          clearInterval(timer);
          latest = (await api.get(path)).call;
        } else {
          latest = { ...call, ...latest, timeline: call.timeline, notes: call.notes };
        }
        if (JSON.stringify(latest) === shown) return;
        shown = JSON.stringify(latest);
        renderSummary(summary, latest);
      } catch (error) {
        if (!(error instanceof api.ApiError)) throw error;
      }
    };
    timer = setInterval(refresh, LIVE_REFRESH_MS);
  }
  await renderMedia(media, call, links, path);
  return () => timer && clearInterval(timer);
}

function renderSummary(section, call) {
  const refresh = async () => renderSummary(section, (await api.get(`/calls/${encodeURIComponent(call.transaction_id)}`)).call);
  const rows = [
    ["Direction", fmt.direction(call.direction)],
    ["Owner", `${call.owner_number || "—"}${call.owner_id ? ` (${call.owner_id})` : ""}`],
    ["Other party", call.other_number || "—"],
    ["Number dialled", call.sma_number || "—"],
    ["Started", fmt.dateTime(call.started_at)],
    ["Ended", call.ended_at ? fmt.dateTime(call.ended_at) : "still live"],
    ["Duration", fmt.clock(call.duration_seconds)],
    ["Recording", fmt.recordingState(call.recording_state)],
  ];
  replace(
    section,
    h("h2", { id: "summary-title", text: "Call" }),
    h("dl", { class: "facts" }, rows.flatMap(([term, value]) => [h("dt", { text: term }), h("dd", { dataset: { fact: term.toLowerCase().replace(/ /g, "-") }, text: value })])),
    call.live ? recordingControls(call, refresh) : null,
    timeline(call.timeline || []),
    (call.notes || []).length ? h("details", {}, h("summary", { text: "Notes" }), h("ul", {}, call.notes.map((note) => h("li", { text: `${fmt.dateTime(note.at)}: ${note.text}` })))) : null,
  );
}

function timeline(entries) {
  if (!entries.length) return h("p", { text: "No recording events." });
  return h(
    "div",
    {},
    h("h3", { text: "Recording timeline" }),
    h(
      "ol",
      { class: "timeline" },
      entries.map((entry) =>
        h("li", {}, h("time", { datetime: entry.at, text: fmt.dateTime(entry.at) }), ` ${fmt.recordingState(entry.state)}`, entry.by ? ` by ${entry.by}` : "", entry.result ? ` (${entry.result})` : ""),
      ),
    ),
  );
}

async function renderMedia(section, call, links, path) {
  replace(section, h("h2", { id: "media-title", text: "Recording and transcript" }));
  if (!links.recording && !links.transcript && !links.report) {
    section.append(h("p", { text: call.live ? "The recording is available when the call ends." : "No recording was kept for this call." }));
    return;
  }
  const [recording, transcript] = await Promise.all([
    links.recording ? api.get(`${path}/recording`) : null,
    links.transcript ? api.get(`${path}/transcript`) : null,
  ]);
  const audio = recording ? player(section, recording) : null;
  if (links.report) section.append(reportButton(path));
  if (transcript) {
    section.append(analytics(transcript));
    section.append(transcriptList(transcript.turns || [], audio));
  }
}

function player(section, recording) {
  const channel = (side) => (recording.channels && recording.channels[side]) || (side === "left" ? "owner" : "other");
  const audio = h("audio", { id: "player", controls: true, preload: "metadata", src: recording.url, "aria-describedby": "channels" });
  section.append(
    h(
      "figure",
      { class: "player" },
      audio,
      h(
        "figcaption",
        { id: "channels" },
        "Stereo: ",
        h("span", { class: "channel", dataset: { channel: "left" }, text: `left — ${fmt.party(channel("left"))}` }),
        ", ",
        h("span", { class: "channel", dataset: { channel: "right" }, text: `right — ${fmt.party(channel("right"))}` }),
        ".",
      ),
    ),
  );
  return audio;
}

function reportButton(path) {
  const message = h("span", { role: "alert", class: "error" });
  return h(
    "p",
    {},
    h("button", {
      type: "button",
      class: "secondary",
      id: "download-report",
      text: "Download the Word report",
      onclick: async () => {
        message.textContent = "";
        try {
          const report = await api.get(`${path}/report`);
          // A short-lived link minted for this click; following it downloads the document.
          const link = h("a", { href: report.url, download: "", rel: "noopener" });
          document.body.append(link);
          link.click();
          link.remove();
        } catch (error) {
          message.textContent = error.message;
        }
      },
    }),
    " ",
    message,
  );
}

function analytics(transcript) {
  const talk = transcript.talk_time || {};
  const total = (talk.owner || 0) + (talk.other || 0) + (talk.non_talk || 0) || 1;
  const meter = (label, seconds) =>
    h("div", { class: "meter-row" }, h("span", { text: label }), h("meter", { min: "0", max: String(total), value: String(seconds || 0), "aria-label": `${label}: ${fmt.clock(seconds)}` }), h("span", { text: fmt.clock(seconds) }));
  const sentiment = transcript.sentiment || {};
  return h(
    "div",
    { class: "analytics" },
    h("h3", { text: "Talk time" }),
    meter("Owner", talk.owner),
    meter("Other party", talk.other),
    meter("Silence", talk.non_talk),
    h("h3", { text: "Sentiment" }),
    h("p", { class: "hint", text: "From −5 (negative) to +5 (positive), over the whole call." }),
    h("dl", { class: "facts" }, h("dt", { text: "Owner" }), h("dd", { dataset: { sentiment: "owner" }, text: fmt.sentimentScore(sentiment.owner) }), h("dt", { text: "Other party" }), h("dd", { dataset: { sentiment: "other" }, text: fmt.sentimentScore(sentiment.other) })),
  );
}

function transcriptList(turns, audio) {
  const items = turns.map((turn, index) =>
    h(
      "li",
      { class: `turn turn-${turn.speaker}` },
      h(
        "button",
        {
          type: "button",
          class: "turn-button",
          dataset: { start: String(turn.start), index: String(index) },
          "aria-label": `${fmt.party(turn.speaker)} at ${fmt.clock(turn.start)}: play from here`,
          disabled: !audio,
          onclick: () => {
            audio.currentTime = turn.start;
            audio.play().catch(() => {});
          },
        },
        h("span", { class: "who", text: fmt.party(turn.speaker) }),
        h("span", { class: "when", text: fmt.clock(turn.start) }),
      ),
      h("p", { class: "said", text: turn.text }),
      turn.sentiment ? h("span", { class: `sentiment sentiment-${String(turn.sentiment).toLowerCase()}`, text: String(turn.sentiment).toLowerCase() }) : null,
    ),
  );
  if (audio) {
    let playing = -1;
    audio.addEventListener("timeupdate", () => {
      const now = activeTurn(turns, audio.currentTime);
      if (now === playing) return;
      if (playing >= 0) items[playing].removeAttribute("aria-current");
      if (now >= 0) items[now].setAttribute("aria-current", "true");
      playing = now;
    });
  }
  return h("div", {}, h("h3", { text: "Transcript" }), turns.length ? h("ol", { class: "transcript" }, items) : h("p", { text: "Nothing was said." }));
}

function deletion(call, path) {
  const error = h("p", { class: "error", role: "alert" });
  const confirm = h("button", { type: "submit", value: "delete", class: "danger", text: "Delete for good" });
  const dialog = h(
    "dialog",
    { "aria-labelledby": "delete-title" },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "delete-title", text: "Delete this call?" }),
      h("p", { text: "The recording (every version), the transcript, the report and the call record are removed. This cannot be undone." }),
      error,
      h("div", { class: "button-row" }, h("button", { type: "submit", value: "cancel", class: "secondary", text: "Cancel", autofocus: true }), confirm),
    ),
  );
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") return;
    try {
      const result = await api.del(path);
      announce(`Call deleted: ${result.deleted.objects} objects and the record.`);
      window.location.hash = "#/calls";
    } catch (failure) {
      error.textContent = failure.message;
      dialog.showModal();
    }
  });
  return h(
    "section",
    { class: "danger-zone", "aria-labelledby": "danger-title" },
    h("h2", { id: "danger-title", text: "Delete" }),
    h("button", { type: "button", class: "danger", id: "delete-call", text: "Delete this call…", disabled: call.live, onclick: () => dialog.showModal() }),
    call.live ? h("p", { class: "hint", text: "A live call can be deleted once it has ended." }) : null,
    dialog,
  );
}
