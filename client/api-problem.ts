// The error every failed call of the typed client throws: the API's RFC 9457 problem details as
// sent, so an app can show `title` and `detail` and put `errors` next to its fields. A failure
// that never reached Bastion (offline, a proxy's HTML page) gets a problem of the same shape.
import type { components } from "./api-types.js";

export type Problem = components["schemas"]["Problem"];

export class ApiProblem extends Error {
  override readonly name = "ApiProblem";

  constructor(
    readonly problem: Problem,
    readonly status: number,
  ) {
    super(problem.detail || problem.title);
  }

  get code(): Problem["code"] {
    return this.problem.code;
  }

  /** Messages by field path as the API names it (`customer.name`), empty when none. */
  get fieldErrors(): Record<string, string[]> {
    return this.problem.errors ?? {};
  }

  static fromResponse(response: Response, body: unknown): ApiProblem {
    if (isProblem(body)) return new ApiProblem(body, response.status);
    return new ApiProblem(
      {
        type: "about:blank",
        title: response.statusText || "The request failed",
        status: response.status,
        detail: `The server answered ${response.status} without problem details.`,
        code: "internal_error",
        requestId: response.headers.get("x-request-id") ?? "",
      },
      response.status,
    );
  }

  static offline(error: unknown): ApiProblem {
    return new ApiProblem(
      {
        type: "about:blank",
        title: "Bastion could not be reached",
        status: 0,
        detail: error instanceof Error ? error.message : "The network request failed.",
        code: "service_unavailable",
        requestId: "",
      },
      0,
    );
  }
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as Problem).title === "string" &&
    typeof (body as Problem).code === "string"
  );
}
