// GET /api/openapi.json: the document for this deployment, built once per cold start.
import { appVersion } from "../platform/version.js";
import { openApiDocument } from "./document.js";
import { routes } from "./routes.js";

let document: ReturnType<typeof openApiDocument> | undefined;

export function currentOpenApiDocument() {
  document ??= openApiDocument(routes(), appVersion());
  return document;
}
