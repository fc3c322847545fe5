// What a template is: a schema for its variables, a description for staff, and a render function
// that only ever sees variables the schema accepted.
import type * as z from "zod";
import type { ResolvedLocale } from "./locale.js";

export interface Attachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface RenderedNotification {
  subject: string;
  html: string;
  text: string;
  attachments?: Attachment[];
  /** Plain text of at most SMS_MAX_LENGTH characters. */
  sms: string;
}

export interface Template<Variables extends z.ZodType> {
  description: string;
  variables: Variables;
  render(variables: z.output<Variables>, locale: ResolvedLocale): RenderedNotification;
}

/** Infers the variables' type for `render` from the schema. */
export function defineTemplate<Variables extends z.ZodType>(
  template: Template<Variables>,
): Template<Variables> {
  return template;
}
