// The access trail (admins): who viewed, played, downloaded, controlled or deleted what, when
// and from where, newest first.

import * as api from "../api.js";
import { h, heading, replace } from "../dom.js";
import * as fmt from "../format.js";

export async function render(main, { me }) {
  if (!me.is_admin) {
    replace(main, heading("Access trail"), h("p", { role: "alert", class: "error", text: "Only admins can read the access trail." }));
    return;
  }
  const rows = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true, text: "Load more" });
  const columns = ["When", "Who", "Action", "Call", "Outcome", "From"];
  replace(
    main,
    heading("Access trail"),
    h("div", { class: "table-wrap" }, h("table", { class: "audit" }, h("caption", { class: "visually-hidden", text: "Access trail, newest first" }), h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", text: c })))), rows)),
    more,
  );
  const load = async (next) => {
    const page = await api.get("/audit", { limit: 50, next });
    for (const entry of page.entries) {
      rows.append(
        h(
          "tr",
          { dataset: { action: entry.action } },
          h("td", {}, h("time", { datetime: entry.at, text: fmt.dateTime(entry.at) })),
          h("td", { text: entry.actor }),
          h("td", { class: "action", text: entry.action }),
          h("td", {}, entry.transaction_id ? h("a", { href: `#/calls/${encodeURIComponent(entry.transaction_id)}`, text: entry.transaction_id.slice(0, 8) }) : "—"),
          h("td", { text: entry.outcome }),
          h("td", { title: entry.user_agent || "", text: entry.source_ip || "—" }),
        ),
      );
    }
    if (!page.entries.length && !rows.children.length) rows.append(h("tr", {}, h("td", { colspan: String(columns.length), text: "No entries yet." })));
    more.hidden = !page.next;
    more.onclick = () => load(page.next);
  };
  await load(undefined);
}
