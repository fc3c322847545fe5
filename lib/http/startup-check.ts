// A function that lacks a setting every deployment needs (APP_URL, the personal-data keys), or
// that was started as the local stack on a production host, does not serve: it fails loudly,
// once per cold start in the log and on every request with a 500, rather than building links
// from whatever Host a request names or sealing personal data under public keys. /api/health
// alone keeps answering, to say which setting is at fault.
import { type ConfigurationProblem, configurationProblems } from "../env.js";
import { log } from "../log.js";
import { ApiError } from "./errors.js";

let problems: ConfigurationProblem[] | undefined;

/** Throws ApiError internal_error while the configuration stops this deployment from serving. */
export function requireServableConfiguration(): void {
  if (problems === undefined) {
    problems = configurationProblems();
    if (problems.length > 0) log.error("startup_refused", { problems });
  }
  if (problems.length > 0) {
    throw new ApiError(
      "internal_error",
      "This server is missing settings it needs to run; its operator can see which at /api/health.",
    );
  }
}
