// A server with the public keys but no service-role key: the user client works, and only the
// code that needs the service client gets 503 provider_not_configured.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";

let userClient: typeof import("../../../lib/db/user-client.js").userClient;
let serviceClient: typeof import("../../../lib/db/service-client.js").serviceClient;

beforeAll(async () => {
  // Nothing listens here: no client below makes a request.
  process.env.SUPABASE_URL = "http://127.0.0.1:9";
  process.env.SUPABASE_ANON_KEY = "anon-key";
  delete process.env.SUPABASE_SERVICE_ROLE_KEY;
  ({ userClient } = await import("../../../lib/db/user-client.js"));
  ({ serviceClient } = await import("../../../lib/db/service-client.js"));
});

describe("without SUPABASE_SERVICE_ROLE_KEY", () => {
  it("serviceClient answers 503 provider_not_configured, every time", () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = (() => {
        try {
          serviceClient();
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: "provider_not_configured", status: 503 });
    }
  });

  it("userClient is still available", () => {
    expect(userClient("a-token").from("notes")).toBeDefined();
  });
});
