// The call list: filters in the URL (#/calls?from=...&q=...), newest first, a page at a time.

import * as api from "../api.js";
import { field, h, heading, replace } from "../dom.js";
import * as fmt from "../format.js";

const EMPTY_PAGE_HOPS = 4;
const FILTERS = ["from", "to", "direction", "party", "state", "q", "owner"];

export async function render(main, { query, me }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || ""]));
  const rows = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true, text: "Load more" });
  const count = h("p", { class: "count", "aria-live": "polite" });
  const table = h(
    "table",
    { class: "calls" },
    h("caption", { class: "visually-hidden", text: "Calls, newest first" }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Started", "Direction", "Other party", me.is_admin ? "Owner" : null, "Duration", "Recording", "Files"]
          .filter(Boolean)
          .map((label) => h("th", { scope: "col", text: label })),
      ),
    ),
    rows,
  );
  // Filters fold away on a phone (open on wider screens, and whenever some are set).
  const filtersBox = h("details", { class: "filter-box", open: window.matchMedia("(min-width: 40rem)").matches || FILTERS.some((name) => filters[name]) }, h("summary", { text: "Filters" }), filterForm(filters, me));
  replace(main, heading(me.is_admin ? "All calls" : "Your calls"), filtersBox, count, h("div", { class: "table-wrap" }, table), more);

  let shown = 0;
  const load = async (next) => {
    // A page may come back short, even empty, with a `next` (the server's read budget ran
    // out): follow it a few times before showing the user a "Load more".
    let page = await api.get("/calls", { ...toApiQuery(filters), next });
    for (let hops = 0; !page.calls.length && page.next && hops < EMPTY_PAGE_HOPS; hops += 1) {
      page = await api.get("/calls", { ...toApiQuery(filters), next: page.next });
    }
    for (const call of page.calls) rows.append(row(call, me));
    shown += page.calls.length;
    count.textContent = shown ? `${shown} call${shown === 1 ? "" : "s"} shown` : "No calls match these filters.";
    more.hidden = !page.next;
    more.onclick = () => load(page.next).catch(showError(count));
  };
  await load(undefined);
}

function toApiQuery(filters) {
  const query = { ...filters };
  // Dates from <input type=date> are local calendar days: send the UTC instants bounding them.
  if (filters.from) query.from = new Date(`${filters.from}T00:00:00`).toISOString();
  if (filters.to) query.to = new Date(`${filters.to}T23:59:59.999`).toISOString();
  return query;
}

function showError(target) {
  return (error) => {
    target.textContent = error.message;
  };
}

function filterForm(filters, me) {
  const input = (name, attrs = {}) => h("input", { name, value: filters[name], ...attrs });
  const select = (name, options) =>
    h(
      "select",
      { name },
      options.map(([value, label]) => h("option", { value, text: label, selected: filters[name] === value })),
    );
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter calls" },
    field("From", input("from", { type: "date" })),
    field("To", input("to", { type: "date" })),
    field("Direction", select("direction", [["", "Any"], ["outbound", "Outbound"], ["inbound", "Inbound"]])),
    field("Party number", input("party", { type: "tel", inputmode: "tel", placeholder: "+12065550123", autocomplete: "off" })),
    field("Recording", select("state", [["", "Any"], ...fmt.RECORDING_STATES.map((s) => [s, fmt.recordingState(s)])])),
    field("Transcript text", input("q", { type: "search", placeholder: "words said on the call" })),
    me.is_admin ? field("Owner id", input("owner", { autocomplete: "off" })) : null,
    h("div", { class: "actions" }, h("button", { type: "submit", text: "Filter" }), h("a", { href: "#/calls", class: "button secondary", text: "Clear" })),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const search = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(data.get(name) || "").trim();
      if (value) search.set(name, value);
    }
    const text = search.toString();
    window.location.hash = text ? `#/calls?${text}` : "#/calls";
  });
  return form;
}

function row(call, me) {
  const files = [call.has_recording && "audio", call.has_transcript && "transcript", call.has_report && "report"].filter(Boolean);
  return h(
    "tr",
    { dataset: { transactionId: call.transaction_id } },
    h("td", { "data-label": "Started" }, h("a", { href: `#/calls/${encodeURIComponent(call.transaction_id)}`, text: fmt.dateTime(call.started_at) })),
    h("td", { "data-label": "Direction", text: fmt.direction(call.direction) }),
    h("td", { "data-label": "Other party", text: call.other_number || "—" }),
    me.is_admin ? h("td", { "data-label": "Owner", text: call.owner_id || "—" }) : null,
    h("td", { "data-label": "Duration", text: fmt.clock(call.duration_seconds) }),
    h("td", { "data-label": "Recording" }, h("span", { class: `state state-${call.recording_state}`, text: call.live ? `${fmt.recordingState(call.recording_state)} (live)` : fmt.recordingState(call.recording_state) })),
    h("td", { "data-label": "Files", text: files.join(", ") || "—" }),
  );
}
