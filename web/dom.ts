// A few lines instead of a UI framework: elements are built with createElement and text nodes,
// never from HTML strings, so nothing the API or a user sends can become markup.
type Attribute = string | number | boolean | undefined;
export type Child = Node | string | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, Attribute> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.filter((child): child is Node | string => Boolean(child)));
  return element;
}

/** Replaces what `parent` shows. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((child): child is Node | string => Boolean(child)));
}

/** A labelled control: the label's `for` names the input, as screen readers need. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `field-${(control.getAttribute("name") ?? label).replace(/\W+/g, "-")}`;
  control.id = id;
  const hintElement = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : undefined;
  if (hintElement) control.setAttribute("aria-describedby", hintElement.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintElement);
}

/** What a busy button says when the caller names nothing more specific. */
export const WORKING = "Working…";
/** A busy state shorter than this is a flicker nobody can read: it stays at least this long. */
const MIN_BUSY_MS = 400;

/**
 * Runs an async action from a button: until it ends, however it ends, the button is disabled,
 * marked aria-busy and says what is happening ("Booking…") beside a spinner, so a press never
 * seems to do nothing; then it is as it was.
 */
export async function busy<T>(
  button: HTMLButtonElement,
  action: () => Promise<T>,
  label: string = WORKING,
): Promise<T> {
  const content = [...button.childNodes];
  const startedAt = performance.now();
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.replaceChildren(h("span", { class: "spinner", "aria-hidden": "true" }), label);
  try {
    return await action();
  } finally {
    const left = MIN_BUSY_MS - (performance.now() - startedAt);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    button.replaceChildren(...content);
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
