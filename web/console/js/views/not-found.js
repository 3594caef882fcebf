// What a call id that is not the viewer's shows: the same page as a call that does not exist
// (the API answers 404 for both, so nothing confirms that another owner's call exists).

import { h, heading, replace } from "../dom.js";

export function render(main) {
  replace(
    main,
    heading("Not found"),
    h("p", { class: "not-found", text: "There is no such page or call, or it is not yours to see." }),
    h("p", {}, h("a", { href: "#/calls", text: "Back to your calls" })),
  );
}
