import * as z from "zod";
import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";
import { currentOpenApiDocument } from "../lib/openapi/serve.js";

export default route({
  GET: endpoint(
    {
      summary: "This API's OpenAPI 3.1 document",
      tags: ["platform"],
      auth: "public",
      response: z.looseObject({ openapi: z.literal("3.1.0") }),
      limit: "read",
      cacheControl: "public, max-age=300",
    },
    async () => currentOpenApiDocument(),
  ),
});
