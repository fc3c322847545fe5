// GET /api/notifications/templates: every template with its variables (lib/notify/templates),
// and which of them staff may send about a booking on request.
import * as z from "zod";
import { listTemplates } from "../templates/list-templates.js";
import { TEMPLATE_NAMES } from "../templates/registry.js";
import { REQUESTABLE_TEMPLATES } from "./notification-request.js";

export const TemplateCatalogue = z
  .object({
    templates: z.array(
      z.object({
        name: z.enum(TEMPLATE_NAMES),
        description: z.string(),
        /** What the server fills in from the booking, payment or account; callers send none. */
        variables: z.array(
          z.object({
            name: z.string(),
            type: z.string(),
            required: z.boolean(),
            format: z.string().optional(),
            enum: z.array(z.string()).optional(),
            description: z.string().optional(),
          }),
        ),
        /** Whether POST /api/notifications/email, /sms and /batch accept it. */
        requestable: z.boolean(),
      }),
    ),
  })
  .meta({ id: "NotificationTemplates" });
export type TemplateCatalogue = z.infer<typeof TemplateCatalogue>;

const requestable = new Set<string>(REQUESTABLE_TEMPLATES);

export function templateCatalogue(): TemplateCatalogue {
  return {
    templates: listTemplates().map((template) => ({
      ...template,
      requestable: requestable.has(template.name),
    })),
  };
}
