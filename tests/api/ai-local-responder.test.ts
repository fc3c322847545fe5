// The local stack's OpenAI stand-in (dev/tools/local-openai.ts at /__dev/openai/v1), as
// `npm run dev` wires it when there is no OpenAI key: the three AI endpoints answer from it,
// labelled local, with streaming, structured output and moderation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";

let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await startTestApi({ env: { OPENAI_API_KEY: undefined, OPENAI_API_URL: undefined } });
  // As dev/start.ts does; functions read their settings on their first request.
  process.env.OPENAI_API_URL = `${api.url}/__dev/openai/v1`;
  token = (await api.signUp()).accessToken;
});
afterAll(async () => {
  delete process.env.OPENAI_API_URL;
  await api?.close();
});

describe("the local responder", () => {
  it("answers the support chat from the practice's facts, labelled local", async () => {
    const answer = await expectJson<{ text: string; provider: string }>(
      await post(
        api,
        "/api/ai/chat",
        { messages: [{ role: "user", content: "What sessions and prices?" }] },
        {
          headers: { accept: "application/json" },
        },
      ),
      200,
    );
    expect(answer.provider).toBe("local");
    expect(answer.text).toMatch(/^\[local responder\]/);
  });

  it("streams server-sent events", async () => {
    const response = await post(
      api,
      "/api/ai/chat",
      { messages: [{ role: "user", content: "Hello" }] },
      { token, headers: { accept: "text/event-stream" } },
    );
    const text = await response.text();
    expect(text).toMatch(/^event: delta\n/);
    expect(text).toMatch(/event: done\ndata: \{"model":"gpt-4\.1-mini","provider":"local"/);
  });

  it("fills the analysis schema deterministically", async () => {
    const answer = await expectJson<{ analysis: Record<string, unknown> }>(
      await post(
        api,
        "/api/ai/analyze",
        { text: "Please cancel my session today, call +91 98765 43210" },
        { token },
      ),
      200,
    );
    expect(answer.analysis).toEqual({
      sentiment: "negative",
      intent: "cancellation",
      language: "en",
      urgency: "high",
      containsPersonalData: true,
      personalDataKinds: ["phone"],
    });
  });

  it("flags its fixed phrases", async () => {
    await expectProblem(
      await post(api, "/api/ai/analyze", { text: "flag-me please" }, { token }),
      400,
      "content_flagged",
    );
  });
});
