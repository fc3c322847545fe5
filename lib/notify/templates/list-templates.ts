// The template list staff see (GET /api/notifications/templates): each template with its
// variables, read off the zod schemas through JSON Schema so the list cannot drift from what
// render() accepts.
import * as z from "zod";
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from "./registry.js";

export interface TemplateVariableInfo {
  name: string;
  /** JSON Schema type: "string", "integer" … */
  type: string;
  required: boolean;
  /** JSON Schema format: "date-time", "uri", "email", "uuid" … */
  format?: string;
  /** The allowed values, for a choice. */
  enum?: string[];
  description?: string;
}

export interface TemplateInfo {
  name: TemplateName;
  description: string;
  variables: TemplateVariableInfo[];
}

interface PropertySchema {
  type?: string;
  format?: string;
  enum?: string[];
  description?: string;
}

export function listTemplates(): TemplateInfo[] {
  return TEMPLATE_NAMES.map((name) => {
    const template = TEMPLATES[name];
    const schema = z.toJSONSchema(template.variables, { io: "input" });
    const required = new Set(schema.required ?? []);
    const properties = (schema.properties ?? {}) as Record<string, PropertySchema>;
    return {
      name,
      description: template.description,
      variables: Object.entries(properties).map(([variable, property]) => ({
        name: variable,
        type: property.type ?? "string",
        required: required.has(variable),
        ...(property.format !== undefined && { format: property.format }),
        ...(property.enum !== undefined && { enum: property.enum }),
        ...(property.description !== undefined && { description: property.description }),
      })),
    };
  });
}
