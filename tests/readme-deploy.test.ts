// The deploy guide stays complete: every setting a deployment reads (lib/env.ts) is in the
// README's table of settings, and every one named there exists and is in .env.example, so a
// team following "Deploying" sets everything the functions will look for.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/api.js";

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");

/** Set by the platform, or only by the local stack and the tests: never by a team. */
const NOT_FOR_DEPLOYMENTS = new Set(["VERCEL_ENV", "NODE_ENV", "VERCEL_GIT_COMMIT_SHA"]);
// META_GRAPH_URL (graph.facebook.com's stand-in) is one too.
const isTestOverride = (name: string) => name.endsWith("_API_URL") || name === "META_GRAPH_URL";

function settingsReadByFunctions(): string[] {
  const source = read("lib/env.ts");
  const schema = source.slice(source.indexOf("const SETTINGS"), source.indexOf("export type Env"));
  return [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)]
    .map((match) => match[1] as string)
    .filter((name) => !NOT_FOR_DEPLOYMENTS.has(name) && !isTestOverride(name))
    .filter((name) => name !== "BASTION_LOCAL_STACK");
}

function settingsInDeployGuide(): string[] {
  const readme = read("README.md");
  const guide = readme.slice(readme.indexOf("## Deploying"));
  const table = guide.slice(
    guide.indexOf("| Setting |"),
    guide.indexOf("\n\n", guide.indexOf("| Setting |")),
  );
  return table
    .split("\n")
    .slice(2)
    .flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]+)`/g)])
    .map((match) => match[1] as string);
}

describe("the README's deploy guide", () => {
  it("lists every setting the functions read", () => {
    expect(settingsInDeployGuide().sort()).toEqual(settingsReadByFunctions().sort());
  });

  it("names only settings that .env.example documents", () => {
    const example = read(".env.example");
    for (const name of settingsInDeployGuide()) {
      expect(example, name).toMatch(new RegExp(`^${name}=`, "m"));
    }
  });
});
