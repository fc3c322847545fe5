// Runs in its own process (see pipeline-overhead.ts), whose environment has no Supabase, no
// Upstash and BASTION_LOCAL_STACK: the in-process limiter counts, and SUPABASE_URL points at a
// local JWKS server started here before any lib/ module reads the configuration.
//
// Each iteration builds a fresh Request (outside the timed part: on Vercel the launcher builds
// it), then times handler call → response body read. The pipeline and the bare handler take
// turns, in alternating order, so drift and GC pauses fall on both alike. Tokens are spread over
// enough users that no user reaches the "write" limit (60 a minute): every answer must be a 200.
import { randomUUID } from "node:crypto";
import { startTokenIssuer } from "./fixtures/access-tokens.js";
import { rounded, summarize } from "./stats.js";

export interface PipelineWorkerResult {
  iterations: number;
  warmup: number;
  users: number;
  jwksFetches: number;
  silencedLogLines: number;
  pipelineUs: ReturnType<typeof summarize>;
  bareUs: ReturnType<typeof summarize>;
  /** One ES256 signature check through WebCrypto, as jose makes it: the floor of the overhead. */
  es256VerifyUs: ReturnType<typeof summarize>;
}

type Handler = (request: Request) => Promise<Response> | Response;

const [iterations = 20_000, warmup = 2_000] = process.argv.slice(2).map(Number);
const REQUESTS_PER_USER = 30;

const issuer = await startTokenIssuer();
process.env.SUPABASE_URL = issuer.supabaseUrl;
const { default: noop } = await import("./fixtures/noop-endpoint.js");
const pipeline: Handler = (request) => noop.fetch(request);
const bare: Handler = () => Response.json({ ok: true });

const users = Math.ceil((iterations + warmup + 1) / REQUESTS_PER_USER);
const tokens = await Promise.all(Array.from({ length: users }, () => issuer.sign(randomUUID())));
const body = JSON.stringify({ title: "Buy milk", quantity: 2 });

function requestFor(i: number): Request {
  return new Request("https://bastion-bench.vercel.app/api/bench/noop", {
    method: "POST",
    headers: {
      authorization: `Bearer ${tokens[i % users]}`,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      "x-real-ip": "203.0.113.7",
      "x-vercel-id": `dev1::bench-${i}`,
    },
    body,
  });
}

async function timeOne(handler: Handler, request: Request): Promise<number> {
  const startedAt = process.hrtime.bigint();
  const response = await handler(request);
  await response.arrayBuffer();
  const elapsed = process.hrtime.bigint() - startedAt;
  if (response.status !== 200) throw new Error(`answered ${response.status}, not 200`);
  return Number(elapsed) / 1000;
}

// One request with logging on, checked in full: a pipeline that rejects the token or the body
// would otherwise be timed answering 401s.
const first = await pipeline(requestFor(0));
const firstBody = await first.text();
if (
  first.status !== 200 ||
  !first.headers.has("ratelimit-remaining") ||
  !firstBody.includes('"ok":true')
) {
  throw new Error(`the no-op endpoint answered ${first.status} ${firstBody}`);
}

// The access log is one console.info line per request; writing 40k lines to a terminal would
// time the terminal. The line is still built (redacted, serialized), only not written.
const consoleInfo = console.info;
let silencedLogLines = 0;
console.info = () => {
  silencedLogLines += 1;
};
const pipelineUs: number[] = [];
const bareUs: number[] = [];
try {
  for (let i = 1; i <= warmup + iterations; i++) {
    const pipelineFirst = i % 2 === 0;
    const a = await timeOne(pipelineFirst ? pipeline : bare, requestFor(i));
    const b = await timeOne(pipelineFirst ? bare : pipeline, requestFor(i));
    if (i <= warmup) continue;
    pipelineUs.push(pipelineFirst ? a : b);
    bareUs.push(pipelineFirst ? b : a);
  }
} finally {
  console.info = consoleInfo;
}
await issuer.close();

async function timeSignatureChecks(count: number): Promise<number[]> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await crypto.subtle.generateKey(algorithm, false, ["sign", "verify"]);
  const signingInput = new TextEncoder().encode((tokens[0] ?? "").split(".", 2).join("."));
  const signature = await crypto.subtle.sign(algorithm, keys.privateKey, signingInput);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const startedAt = process.hrtime.bigint();
    await crypto.subtle.verify(algorithm, keys.publicKey, signature, signingInput);
    samples.push(Number(process.hrtime.bigint() - startedAt) / 1000);
  }
  return samples.slice(Math.floor(count / 10));
}

const result: PipelineWorkerResult = {
  iterations,
  warmup,
  users,
  jwksFetches: issuer.jwksFetches(),
  silencedLogLines,
  pipelineUs: rounded(summarize(pipelineUs)),
  bareUs: rounded(summarize(bareUs)),
  es256VerifyUs: rounded(summarize(await timeSignatureChecks(5_000))),
};
process.send?.(result);
