// The operations panel of the staff page (/staff): what needs a human now, from
// GET /api/admin/operations — each condition with items stuck past its threshold (how many,
// since when, the oldest ids), and for admins each scheduled job against its schedule and the
// open alerts, which an admin can acknowledge. Staff see their practitioners' items only; the
// API decides, this page shows what it answers.
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { busy, h, show } from "./dom.js";
import { clearProblem, showProblem } from "./problems.js";

type View = Schemas["OperationsView"];

const when = (instant: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(instant),
  );

export function operationsPanel(client: BastionClient): HTMLElement {
  const status = h("p", { class: "hint", role: "status", tabindex: -1 });
  const refresh = h("button", { type: "button", class: "secondary" }, "Refresh");
  const conditions = h("ul", { class: "bookings operations", "aria-label": "Needs attention" });
  const jobs = h("ul", { class: "bookings operations-jobs", "aria-label": "Scheduled jobs" });
  const alerts = h("ul", { class: "bookings operations-alerts", "aria-label": "Open alerts" });
  const panel = h(
    "section",
    { class: "card operations-panel" },
    h("h2", {}, "Needs attention"),
    h("div", { class: "actions" }, refresh),
    status,
    conditions,
    alerts,
    jobs,
  );

  const load = async () => {
    clearProblem({ at: status });
    status.textContent = "Loading…";
    try {
      const view = unwrap(await client.api.GET("/api/admin/operations", {}));
      render(view);
    } catch (error) {
      show(conditions);
      show(jobs);
      show(alerts);
      status.textContent = "";
      showProblem(error, { action: "load", at: status });
    }
  };

  const render = (view: View) => {
    const stuck = view.conditions.filter((condition) => condition.count > 0);
    status.textContent = stuck.length
      ? `${view.needsAttention} thing${view.needsAttention === 1 ? "" : "s"} need${view.needsAttention === 1 ? "s" : ""} attention.`
      : "Nothing is stuck.";
    show(
      conditions,
      ...stuck.map((condition) =>
        h(
          "li",
          { class: "booking", "data-condition": condition.key },
          h("h3", {}, `${condition.title}: ${condition.count}`),
          condition.oldestAt ? h("p", {}, `Oldest since ${when(condition.oldestAt)}.`) : null,
          h("p", { class: "hint" }, `Ids: ${condition.ids.slice(0, 5).join(", ")}`),
        ),
      ),
    );
    show(
      alerts,
      ...view.alerts.map((alert) => {
        const acknowledge = h("button", { type: "button", class: "secondary" }, "Acknowledge");
        acknowledge.addEventListener("click", () => {
          void busy(
            acknowledge,
            async () => {
              try {
                unwrap(
                  await client.api.POST("/api/admin/operations/alerts/{id}/acknowledge", {
                    params: { path: { id: alert.id } },
                  }),
                );
                await load();
              } catch (error) {
                showProblem(error, { action: "load", at: status });
              }
            },
            "Acknowledging…",
          );
        });
        return h(
          "li",
          { class: "booking", "data-alert": alert.condition },
          h("h3", {}, `Alert: ${alert.title}`),
          h(
            "p",
            {},
            alert.acknowledgedAt
              ? `Open since ${when(alert.openedAt)}, acknowledged ${when(alert.acknowledgedAt)}.`
              : `Open since ${when(alert.openedAt)}.`,
          ),
          alert.acknowledgedAt ? null : h("div", { class: "actions" }, acknowledge),
        );
      }),
    );
    show(
      jobs,
      ...view.jobs.map((job) =>
        h(
          "li",
          { class: "booking", "data-job": job.job },
          h("h3", {}, `${job.job}${job.late ? " — late" : ""}`),
          h("p", {}, job.lastSuccessAt ? `Last run ${when(job.lastSuccessAt)}.` : "Not run yet."),
        ),
      ),
    );
  };

  refresh.addEventListener("click", () => void busy(refresh, load, "Loading…"));
  void load();
  return panel;
}
