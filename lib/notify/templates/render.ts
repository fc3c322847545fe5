// Renders a notification: the template's schema checks the variables first, then the template
// writes the email (HTML and text), its attachments and the SMS in the requested locale.
import type * as z from "zod";
import { DEFAULT_LOCALE, resolveLocale } from "./locale.js";
import { TEMPLATES, type TemplateName } from "./registry.js";
import type { RenderedNotification, Template } from "./template.js";
import { TemplateVariablesError, variableErrors } from "./template-errors.js";

/** What a template's variables must look like, for callers that build them in code. */
export type TemplateVariables<Name extends TemplateName> = z.input<
  (typeof TEMPLATES)[Name]["variables"]
>;

/**
 * Throws TemplateVariablesError when the variables do not fit the template (the caller answers
 * 400). Called with a literal name, the variables are type-checked too; called with any
 * TemplateName (a request naming the template), they are `unknown` and only checked here.
 * `locale`: a BCP 47 tag; one without messages of its own is written in English.
 */
export function render<Name extends TemplateName>(
  name: Name,
  variables: TemplateName extends Name ? unknown : TemplateVariables<Name>,
  locale: string = DEFAULT_LOCALE,
): RenderedNotification {
  const template: Template<z.ZodType<Record<string, unknown>>> = TEMPLATES[name];
  const parsed = template.variables.safeParse(variables);
  if (!parsed.success) throw new TemplateVariablesError(name, variableErrors(parsed.error));
  return template.render(parsed.data, resolveLocale(locale));
}
