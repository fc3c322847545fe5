// GET /api/openapi.json: generated from the endpoint specs, listing every api/ function.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument, openApiPath } from "../../lib/openapi/document.js";
import { routes } from "../../lib/openapi/routes.js";
import { PIPELINE_APP, REPO_ROOT, startTestApi, type TestApi } from "../helpers/api.js";
import { apiFiles, loadRoutes, routePathOf } from "../helpers/routes.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe("the OpenAPI document", () => {
  it("lists every api/ file (add a new function to lib/openapi/routes.ts)", () => {
    const files = apiFiles(REPO_ROOT)
      .map((file) => routePathOf(REPO_ROOT, file))
      .sort();
    expect(Object.keys(routes()).sort()).toEqual(files);
  });

  it("is served as OpenAPI 3.1 with every route, its responses and its problems", async () => {
    const response = await fetch(`${api.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const document = (await response.json()) as Document;
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual(
      Object.keys(routes()).map(openApiPath).sort(),
    );
    // A public endpoint (GET /api/health answers a profile too with a token: optional auth).
    const health = document.paths["/api/services"]?.get;
    expect(health?.security).toBeUndefined();
    // 413 and 415: a request may carry a body, which the pipeline checks before anything else.
    expect(Object.keys(health?.responses ?? {}).sort()).toEqual([
      "200",
      "400",
      "405",
      "413",
      "415",
      "429",
      "500",
    ]);
    expect(health?.responses["500"]?.content).toHaveProperty(["application/problem+json"]);
  });

  it("documents auth, parameters, bodies, idempotency and error codes from the specs", async () => {
    const document = openApiDocument(await loadRoutes(PIPELINE_APP), "test") as Document;
    const getNote = document.paths["/api/notes/{id}"]?.get;
    expect(getNote?.security).toEqual([{ bearer: [] }]);
    expect(getNote?.parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true }),
    ]);
    expect(Object.keys(getNote?.responses ?? {})).toEqual(
      // 503: the Auth server's keys, which verify the token, may be out of reach.
      expect.arrayContaining(["200", "400", "401", "404", "405", "500", "503"]),
    );
    const createNote = document.paths["/api/notes"]?.post;
    expect(createNote?.requestBody).toBeDefined();
    expect(createNote?.parameters).toEqual([
      expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false }),
    ]);
    expect(Object.keys(createNote?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "409", "413", "415", "422", "429"]),
    );
    const repoDocument = openApiDocument(routes(), "test") as Document;
    expect(Object.keys(repoDocument.paths["/api/auth/callback"]?.get?.responses ?? {})).toContain(
      "302",
    );
    expect(repoDocument.paths["/api/auth/callback"]?.get?.responses).not.toHaveProperty("204");
    expect(repoDocument.paths["/api/sync/pull"]?.get?.responses).toHaveProperty("304");
    const staff = document.paths["/api/staff/report"]?.get;
    expect(staff?.responses).toHaveProperty("403");
  });

  it("documents both answers of sign-up: 201 with a session, 202 when the address must be confirmed", () => {
    const document = openApiDocument(routes(), "test") as Document & {
      components: { schemas: Record<string, unknown> };
    };
    const register = document.paths["/api/auth/register"]?.post;
    expect(register?.responses["201"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/Session",
    });
    expect(register?.responses["202"]?.content?.["application/json"]).toMatchObject({
      schema: { $ref: "#/components/schemas/ConfirmationRequired" },
      example: { confirmationRequired: true },
    });
    expect(document.components.schemas.ConfirmationRequired).toMatchObject({
      properties: { confirmationRequired: { const: true } },
      required: ["confirmationRequired"],
    });
    const confirm = document.paths["/api/auth/confirm"]?.post;
    expect(confirm?.responses["200"]?.content?.["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/Session",
    });
    expect(confirm?.responses).toHaveProperty("400");
  });
});
