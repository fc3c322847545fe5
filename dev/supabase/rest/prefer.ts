// The Prefer header: several values arrive as "a, b" (or as repeated headers joined the same
// way). Only the preferences the local stack honours are echoed in Preference-Applied.

export interface Prefer {
  return: "representation" | "minimal" | undefined;
  count: "exact" | undefined;
  resolution: "merge-duplicates" | "ignore-duplicates" | undefined;
  missing: "default" | undefined;
  tx: "commit" | "rollback" | undefined;
  applied: string[];
}

export function parsePrefer(header: string | null): Prefer {
  const prefer: Prefer = {
    return: undefined,
    count: undefined,
    resolution: undefined,
    missing: undefined,
    tx: undefined,
    applied: [],
  };
  for (const item of (header ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, value] = item.split("=");
    if (name === "return" && (value === "representation" || value === "minimal"))
      prefer.return = value;
    // An exact count is a correct answer to planned and estimated counts too.
    else if (
      name === "count" &&
      (value === "exact" || value === "planned" || value === "estimated")
    ) {
      prefer.count = "exact";
    } else if (
      name === "resolution" &&
      (value === "merge-duplicates" || value === "ignore-duplicates")
    ) {
      prefer.resolution = value;
    } else if (name === "missing" && value === "default") prefer.missing = value;
    else if (name === "tx" && (value === "commit" || value === "rollback")) prefer.tx = value;
    else continue;
    prefer.applied.push(item);
  }
  return prefer;
}
