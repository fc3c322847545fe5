// How API errors reach the person: the problem's title and detail in the page's one alert
// region (announced by screen readers), and each field error under its field, linked with
// aria-describedby and aria-invalid. Form controls are named after the API's field paths
// (`customer.name`), so the problem's `errors` map lands on them without a lookup table.
import { ApiProblem } from "../client/api-problem.js";
import { h, show } from "./dom.js";

const alertRegion = () => document.getElementById("problem") as HTMLElement;

export function clearProblem(form?: HTMLFormElement): void {
  show(alertRegion());
  alertRegion().hidden = true;
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

/** Shows any thrown value; field errors go next to the fields of `form` that carry them. */
export function showProblem(error: unknown, form?: HTMLFormElement): void {
  clearProblem(form);
  const problem =
    error instanceof ApiProblem
      ? error.problem
      : { title: "Something went wrong", detail: String(error), requestId: "" };
  const unplaced: string[] = [];
  if (error instanceof ApiProblem) {
    for (const [path, messages] of Object.entries(error.fieldErrors)) {
      const control = form && controlFor(form, path);
      if (control) attachFieldError(control, path, messages.join(" "));
      else unplaced.push(`${path}: ${messages.join(" ")}`);
    }
  }
  show(
    alertRegion(),
    h("strong", {}, problem.title),
    problem.detail && problem.detail !== problem.title ? h("p", {}, problem.detail) : undefined,
    unplaced.length ? h("ul", {}, ...unplaced.map((line) => h("li", {}, line))) : undefined,
    problem.requestId ? h("p", { class: "hint" }, `Request id ${problem.requestId}`) : undefined,
  );
  alertRegion().hidden = false;
  const firstInvalid = form?.querySelector<HTMLElement>("[aria-invalid='true']");
  firstInvalid?.focus();
}

/** The control for an API field path, or the fieldset that groups radios and checkboxes. */
function controlFor(form: HTMLFormElement, path: string): HTMLElement | undefined {
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
  return form.querySelector<HTMLElement>(`fieldset[data-field="${CSS.escape(path)}"]`) ?? undefined;
}

function attachFieldError(control: HTMLElement, path: string, message: string): void {
  const id = `${path.replace(/\W+/g, "-")}-error`;
  const text = h("p", { class: "field-error", id }, message);
  if (control instanceof HTMLFieldSetElement) control.append(text);
  else control.insertAdjacentElement("afterend", text);
  control.setAttribute("aria-invalid", "true");
  const describedBy = control.getAttribute("aria-describedby");
  control.setAttribute("aria-describedby", describedBy ? `${describedBy} ${id}` : id);
}
