// Variables a template's schema refuses. The caller answers it as a 400 validation failure with
// `errors`; the message names fields only, never values (they are personal data and it can reach
// the logs).
import type * as z from "zod";
import type { FieldErrors } from "../../http/errors.js";

/** The key of a problem with the variables object as a whole (not an object at all). */
export const WHOLE_VARIABLES = "variables";

export class TemplateVariablesError extends Error {
  override readonly name = "TemplateVariablesError";

  constructor(
    readonly template: string,
    /** Variable name → messages; unknown variables are listed under their own names. */
    readonly errors: FieldErrors,
  ) {
    super(`The variables of template ${template} are not valid: ${Object.keys(errors).join(", ")}`);
  }
}

export function variableErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add(key, "Unknown variable");
    } else {
      add(issue.path.map(String).join(".") || WHOLE_VARIABLES, issue.message);
    }
  }
  return errors;
}
