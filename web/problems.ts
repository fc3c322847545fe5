// How API errors reach the person: next to what caused them, never only in a banner that a phone
// has scrolled out of view. Each field error goes under its field, linked with aria-describedby
// and aria-invalid; the message itself goes right after the thing that failed (the form's
// buttons, the booking's actions) as an alert; and focus moves to the first field to fix, or to
// the message, so the page scrolls there and a screen reader reads it. Form controls are named
// after the API's field paths (`customer.name`), so the problem's `errors` map lands on them
// without a lookup table. Wording comes from messages.ts. The page's top alert is left for what
// has no better place (the app failing to load).
import { h, show } from "./dom.js";
import { type Action, humanProblem } from "./messages.js";

export interface ProblemPlace {
  /** What the person was doing, for the wording. */
  action: Action;
  /** The element the message follows (or, with `inside`, ends): what failed. */
  at: Element;
  inside?: boolean;
  /** Where the fields named in the problem's `errors` are. */
  form?: HTMLFormElement;
  /** A line the app adds under the message: what still stands ("Your time is held…"). */
  note?: string;
}

const alertRegion = () => document.getElementById("problem") as HTMLElement;
/** The message shown for each place, so a new one replaces it. */
const shownAt = new WeakMap<Element, HTMLElement>();

/** Removes the messages and field errors shown for `place` (and the top alert). */
export function clearProblem(place?: Pick<ProblemPlace, "at" | "form">): void {
  show(alertRegion());
  alertRegion().hidden = true;
  if (!place) return;
  shownAt.get(place.at)?.remove();
  shownAt.delete(place.at);
  const form = place.form;
  if (!form) return;
  for (const message of form.querySelectorAll(".field-error")) message.remove();
  for (const invalid of form.querySelectorAll("[aria-invalid]")) {
    invalid.removeAttribute("aria-invalid");
    const describedBy = (invalid.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (describedBy.length) invalid.setAttribute("aria-describedby", describedBy.join(" "));
    else invalid.removeAttribute("aria-describedby");
  }
}

/**
 * Shows any thrown value at its place (the top alert when there is none) and moves focus to the
 * first field to fix, else to the message.
 */
export function showProblem(error: unknown, place?: ProblemPlace): void {
  clearProblem(place);
  const human = humanProblem(error, place?.action ?? "load");
  const unplaced: string[] = [];
  let firstField: HTMLElement | undefined;
  for (const [path, messages] of Object.entries(human.fields)) {
    const control = place?.form && controlFor(place.form, path);
    if (control) {
      attachFieldError(control, path, messages.join(" "));
      firstField ??= control;
    } else {
      unplaced.push(...messages);
    }
  }
  const content = [
    h("strong", {}, human.title),
    human.detail ? h("p", {}, human.detail) : undefined,
    unplaced.length ? h("ul", {}, ...unplaced.map((line) => h("li", {}, line))) : undefined,
    place?.note ? h("p", {}, place.note) : undefined,
    human.link ? h("p", {}, h("a", { href: human.link.href }, human.link.text)) : undefined,
    human.reference ? h("p", { class: "hint" }, `Reference: ${human.reference}`) : undefined,
  ];
  let message: HTMLElement;
  if (place) {
    message = h("div", { class: "problem", role: "alert", tabindex: -1 }, ...content);
    if (place.inside) place.at.append(message);
    else place.at.insertAdjacentElement("afterend", message);
    shownAt.set(place.at, message);
  } else {
    message = alertRegion();
    show(message, ...content);
    message.hidden = false;
  }
  // The first field in the page's order, whatever order the API listed them in.
  const invalid = place?.form?.querySelector<HTMLElement>("[aria-invalid='true']") ?? firstField;
  focusInView(invalid ?? message);
}

/** Focus that a phone's screen follows: the element scrolls to the middle, not to an edge. */
export function focusInView(element: HTMLElement): void {
  if (!element.hasAttribute("tabindex") && !isFocusable(element)) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: "center", behavior: "instant" });
}

function isFocusable(element: HTMLElement): boolean {
  return element.matches("a[href], button, input, select, textarea, [tabindex]");
}

/** The control for an API field path, or the fieldset that groups radios and checkboxes. */
function controlFor(form: HTMLFormElement, path: string): HTMLElement | undefined {
  const grouped = form.querySelector<HTMLElement>(`fieldset[data-field="${CSS.escape(path)}"]`);
  if (grouped) return grouped;
  const named = form.elements.namedItem(path);
  if (named instanceof RadioNodeList || named instanceof HTMLInputElement) {
    const first = named instanceof RadioNodeList ? named[0] : named;
    if (
      first instanceof HTMLInputElement &&
      (first.type === "radio" || first.type === "checkbox")
    ) {
      return first.closest("fieldset") ?? first;
    }
  }
  if (named instanceof HTMLElement) return named;
  return undefined;
}

function attachFieldError(control: HTMLElement, path: string, message: string): void {
  const id = `${control.id || path.replace(/\W+/g, "-")}-error`;
  const text = h("p", { class: "field-error", id }, message);
  // In a group, under its legend: read before the options, seen without scrolling past them.
  if (control instanceof HTMLFieldSetElement) {
    const legend = control.querySelector(":scope > legend");
    if (legend) legend.insertAdjacentElement("afterend", text);
    else control.prepend(text);
  }
  // A checkbox's message goes under its whole label, not inside it.
  else (control.closest("label") ?? control).insertAdjacentElement("afterend", text);
  control.setAttribute("aria-invalid", "true");
  const describedBy = control.getAttribute("aria-describedby");
  control.setAttribute("aria-describedby", describedBy ? `${describedBy} ${id}` : id);
}
