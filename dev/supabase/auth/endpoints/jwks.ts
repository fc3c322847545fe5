// GET /.well-known/jwks.json: the public half of the signing key, which getClaims() and any
// resource server use to verify access tokens without calling /user (internal/api/jwks.go).
import type { AuthContext } from "../context.js";

export async function jwks(_request: Request, context: AuthContext): Promise<Response> {
  return Response.json(
    { keys: [context.keys.publicJwk] },
    { headers: { "cache-control": "public, max-age=600" } },
  );
}
