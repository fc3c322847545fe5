// The free times of one day for a session type, from GET /api/availability (the same
// computation that later accepts the booking), as radio buttons named `time` so the API's field
// errors for `time` land on them. Used to book and to move a booking; loaded again after the API
// says a time was taken, so the person picks from what is really free.
import { type BastionClient, unwrap } from "../client/bastion-client.js";
import { h, show } from "./dom.js";
import { humanProblem } from "./messages.js";

export interface TimePicker {
  /** The fieldset (data-field="time"): problems about the time are shown in it. */
  element: HTMLFieldSetElement;
  /** Shows the free times of `date`; true when there is at least one (or loading failed). */
  load(date: string, sessionType: string): Promise<boolean>;
  /** Loads the last day asked for again. */
  reload(): Promise<boolean>;
}

export function timePicker(client: BastionClient, id: string): TimePicker {
  const element = h("fieldset", { class: "times", "data-field": "time", id, tabindex: -1 });
  const legend = () => h("legend", {}, "Available times");
  let request = 0;
  let last: { date: string; sessionType: string } | undefined;

  const load = async (date: string, sessionType: string): Promise<boolean> => {
    const mine = ++request;
    last = { date, sessionType };
    element.setAttribute("aria-busy", "true");
    show(element, legend(), h("p", { class: "hint loading" }, "Looking for free times…"));
    try {
      const availability = unwrap(
        await client.api.GET("/api/availability", { params: { query: { date, sessionType } } }),
      );
      if (mine !== request) return true; // a newer choice of day or type is loading
      const free = availability.slots.filter((slot) => slot.available);
      show(
        element,
        legend(),
        h("p", { class: "hint" }, `Times in ${availability.timezone}.`),
        free.length
          ? h(
              "div",
              { class: "slots" },
              ...free.map((slot) =>
                h(
                  "label",
                  { class: "slot" },
                  h("input", { type: "radio", name: "time", value: slot.time }),
                  slot.time,
                ),
              ),
            )
          : h("p", {}, "No free times on this day. Try another date."),
      );
      return free.length > 0;
    } catch (error) {
      if (mine === request) {
        const human = humanProblem(error, "times");
        const retry = h("button", { type: "button", class: "secondary" }, "Try again");
        retry.addEventListener("click", () => void load(date, sessionType));
        show(
          element,
          legend(),
          h(
            "div",
            { class: "problem", role: "alert" },
            h("strong", {}, "The free times could not be loaded"),
            h("p", {}, [human.title, human.detail].filter(Boolean).join(". ")),
            retry,
          ),
        );
      }
      return true;
    } finally {
      if (mine === request) element.removeAttribute("aria-busy");
    }
  };

  return {
    element,
    load,
    reload: () => (last ? load(last.date, last.sessionType) : Promise.resolve(false)),
  };
}
