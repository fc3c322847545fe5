// `npm run dev` on a port another program holds: which port, what wanted it, and the setting that
// moves it (PORT=3001 npm run dev), instead of Node's EADDRINUSE stack trace. start.ts checks its
// ports before it starts anything (so nothing is half started and .env.local is not rewritten),
// and serve() reports a port taken in between the same way.
import { createServer } from "node:net";

export interface WantedPort {
  port: number;
  /** The environment variable that chooses it, such as PORT. */
  setting: string;
  /** What would listen there, for the message: "the API and the demo app". */
  serves: string;
}

/** A port already in use, with what to do about it in its message. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";

  constructor(
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_HOST = "127.0.0.1";
/** How far past a taken port to look for a free one to suggest. */
const SUGGESTION_RANGE = 20;

/** True when nothing listens on the port (we could bind it ourselves). */
export function portIsFree(port: number, hostname = DEFAULT_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: hostname, exclusive: true }, () => {
      probe.close(() => resolve(true));
    });
  });
}

/** The message for each wanted port that is taken (empty when all are free). */
export async function takenPortMessages(
  wanted: WantedPort[],
  hostname = DEFAULT_HOST,
): Promise<string[]> {
  const messages: string[] = [];
  const claimed = new Set(wanted.map(({ port }) => port));
  for (const entry of wanted) {
    if (entry.port === 0 || (await portIsFree(entry.port, hostname))) continue;
    messages.push(await portInUseMessage(entry, hostname, claimed));
  }
  return messages;
}

/** What to tell the person about a taken port, with a free one to use instead when there is one. */
export async function portInUseMessage(
  { port, setting, serves }: WantedPort,
  hostname = DEFAULT_HOST,
  claimed: ReadonlySet<number> = new Set(),
): Promise<string> {
  let suggestion: number | undefined;
  for (let candidate = port + 1; candidate <= port + SUGGESTION_RANGE; candidate++) {
    if (candidate > 65_535) break;
    if (!claimed.has(candidate) && (await portIsFree(candidate, hostname))) {
      suggestion = candidate;
      break;
    }
  }
  const choose = `${setting}=${suggestion ?? port + 1} npm run dev`;
  return [
    `Port ${port} on ${hostname} is already in use, so ${serves} cannot start there.`,
    `  Another program (perhaps another \`npm run dev\`) is listening on it: stop it, or choose another port:`,
    `    ${choose}${suggestion ? `   (${suggestion} is free)` : ""}`,
    `  or set ${setting} in .env.`,
  ].join("\n");
}
