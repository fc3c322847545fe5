// Reads the JSON bodies of the Upstash REST API: `["cmd", ...args]` for `/`, and a list of those
// for `/pipeline` and `/multi-exec`.

/** A command as Redis will get it: the lowercased name, then the arguments as strings. */
export type RedisCommand = [name: string, ...args: string[]];

export class BadRequestError extends Error {}

export async function readCommand(request: Request): Promise<RedisCommand> {
  return toCommand(await readJson(request));
}

export async function readCommandList(request: Request): Promise<RedisCommand[]> {
  const body = await readJson(request);
  if (!Array.isArray(body) || body.length === 0) {
    throw new BadRequestError("ERR the request body must be a non-empty array of commands");
  }
  return body.map(toCommand);
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new BadRequestError("ERR the request body is not valid JSON");
  }
}

function toCommand(value: unknown): RedisCommand {
  if (!Array.isArray(value) || typeof value[0] !== "string" || value[0] === "") {
    throw new BadRequestError("ERR a command must be an array that starts with its name");
  }
  const [name, ...args] = value as [string, ...unknown[]];
  // The clients send numbers and booleans as JSON values (1, true); Redis wants their text.
  return [
    name.toLowerCase(),
    ...args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))),
  ];
}
