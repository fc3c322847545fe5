// Off the local stack (no BASTION_LOCAL_STACK=1) the local stand-ins of the AI module refuse: the
// local responder answers 403 and does not answer, and OPENAI_API_URL is not honoured — without a
// key the AI is not configured, with one the SDK talks to api.openai.com.
import { beforeAll, describe, expect, it } from "vitest";

beforeAll(() => {
  // Settings are read once per process, on first use: set before anything reads them.
  delete process.env.BASTION_LOCAL_STACK;
  delete process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_URL = "http://127.0.0.1:9/v1";
});

describe("the AI module off the local stack", () => {
  it("refuses the local responder", async () => {
    const { localOpenAi } = await import("../../dev/tools/local-openai.js");
    const response = await localOpenAi(
      new Request("http://127.0.0.1/__dev/openai/v1/responses", {
        method: "POST",
        body: JSON.stringify({ model: "gpt-4.1-mini", input: "Hi" }),
      }),
      "/responses",
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("does not take OPENAI_API_URL for a key: the AI is not configured", async () => {
    const { aiConnection } = await import("../../lib/ai/client.js");
    await expect(aiConnection()).rejects.toMatchObject({ code: "provider_not_configured" });
  });
});
