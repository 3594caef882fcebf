// Building the page without innerHTML: every text goes in as a text node, so nothing the API
// returns (a transcript, a phone number) can become markup, and the strict CSP needs no
// 'unsafe-inline'.

/**
 * Create an element. `attrs` keys: `class`, `text`, `on<Event>` (a listener), `dataset`
 * (an object), boolean attributes as true/false, anything else as an attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the children of `element` with `children`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A labelled form field: <label for> + control, wrapped for layout. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  const parts = [h("label", { for: control.id, text: label }), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("small", { id: hintId, class: "hint", text: hint }));
  }
  return h("div", { class: "field" }, parts);
}

/** The page heading, focused after navigation so screen readers announce the new page. */
export function heading(text) {
  return h("h1", { tabindex: "-1", text });
}

const statusRegion = () => document.getElementById("status");

/** Announce `message` in the polite live region (and show it briefly). */
let clearing = null;

export function announce(message) {
  const region = statusRegion();
  if (!region) return;
  region.textContent = message;
  clearTimeout(clearing);
  clearing = setTimeout(() => {
    region.textContent = "";
  }, 6000);
}
