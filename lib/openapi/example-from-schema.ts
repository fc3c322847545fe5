// A sample value for a JSON Schema (the 2020-12 subset zod writes), for the OpenAPI document's
// examples where nobody wrote one by hand. It prefers what the schema states (`examples`,
// `default`, `const`, `enum`), then builds a value from the type, format and bounds. It does not
// invent strings for arbitrary `pattern`s or satisfy zod refinements that JSON Schema cannot
// express: tests/lib/openapi checks every example against the endpoint's own zod schema, and a
// hand-written example is the answer where this falls short.

type Schema = Record<string, unknown>;

export interface ExampleOptions {
  /** Resolves a `$ref` that is not a `#/$defs/…` of the schema itself. */
  resolveRef?: (ref: string) => unknown;
  /** When the example is made: sample dates lie two weeks after it. Default: now. */
  now?: Date;
}

/**
 * Values per `format`, each checked against the schema's `pattern` when it has one; dates are
 * made from the options' `now` (datedSamples).
 */
const FORMAT_SAMPLES: Record<string, string[]> = {
  uuid: ["3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c64"],
  guid: ["3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c64"],
  email: ["client@example.com"],
  time: ["10:00:00", "10:00"],
  duration: ["P1D"],
  uri: ["https://app.example.com/"],
  url: ["https://app.example.com/"],
  "uri-reference": ["/bookings"],
  hostname: ["app.example.com"],
  ipv4: ["203.0.113.7"],
  ipv6: ["2001:db8::7"],
  e164: ["+919876543210"],
  jwt: [
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImxvY2FsIiwidHlwIjoiSldUIn0.eyJzdWIiOiIzZjZjMmExZSJ9.c2lnbmF0dXJl",
  ],
  base64: ["ZXhhbXBsZQ=="],
  base64url: ["ZXhhbXBsZQ"],
  cuid: ["cjld2cjxh0000qzrmn831i7rn"],
  cuid2: ["tz4a98xxat96iws9zmbrgj3a"],
  ulid: ["01ARZ3NDEKTSV4RRFFQ69G5FAV"],
  nanoid: ["V1StGXR8_Z5jdHi6B-myT"],
  emoji: ["🙂"],
};

const SAMPLE_DATE_DAYS_AHEAD = 14;

/** A date and times two weeks after `now`, at 10:00 UTC, in the forms zod's formats take. */
function datedSamples(now: Date): Record<string, string[]> {
  const day = new Date(now.getTime() + SAMPLE_DATE_DAYS_AHEAD * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    "date-time": [`${day}T10:00:00.000Z`, `${day}T10:00:00Z`, `${day}T10:00:00+05:30`],
    date: [day],
  };
}

const MAX_DEPTH = 12;

export function exampleFromSchema(schema: unknown, options: ExampleOptions = {}): unknown {
  const root = isSchema(schema) ? schema : {};
  return sample(schema, { root, options, refs: [], depth: 0 });
}

interface State {
  root: Schema;
  options: ExampleOptions;
  /** The `$ref`s being expanded, to stop on recursive schemas. */
  refs: string[];
  depth: number;
}

function sample(schema: unknown, state: State): unknown {
  if (schema === true || schema === undefined) return undefined;
  if (!isSchema(schema) || state.depth > MAX_DEPTH) return undefined;
  const deeper = { ...state, depth: state.depth + 1 };

  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("example" in schema) return schema.example;
  if ("const" in schema) return schema.const;
  if ("default" in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];

  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    if (state.refs.includes(ref)) return undefined;
    const target = resolve(ref, state);
    const { $ref: _, ...siblings } = schema;
    const merged = isSchema(target) ? { ...target, ...siblings } : siblings;
    return sample(merged, { ...deeper, refs: [...state.refs, ref] });
  }

  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const { [key]: _, ...rest } = schema;
      // A value rather than null where one can be made: the example shows the shape.
      const ordered = [
        ...options.filter((option) => !isNullSchema(option)),
        ...options.filter(isNullSchema),
      ];
      for (const option of ordered) {
        const value = sample(isSchema(option) ? { ...rest, ...option } : option, deeper);
        if (value !== undefined) return value;
      }
      return undefined;
    }
  }

  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const { allOf, ...rest } = schema;
    const parts = [rest, ...allOf].map((part) => sample(part, deeper));
    if (parts.every((part) => isPlainObject(part) || part === undefined)) {
      return Object.assign({}, ...parts.filter(Boolean));
    }
    return parts.find((part) => part !== undefined);
  }

  switch (typeOf(schema)) {
    case "null":
      return null;
    case "boolean":
      return true;
    case "integer":
      return numberSample(schema, true);
    case "number":
      return numberSample(schema, false);
    case "string":
      return stringSample(schema, state.options.now ?? new Date());
    case "array":
      return arraySample(schema, deeper);
    case "object":
      return objectSample(schema, deeper);
    default:
      return undefined;
  }
}

function resolve(ref: string, state: State): unknown {
  const local = /^#\/\$defs\/(.+)$/.exec(ref);
  if (local?.[1]) {
    const definitions = state.root.$defs;
    const name = decodePointer(local[1]);
    if (isSchema(definitions) && name in definitions) return definitions[name];
  }
  if (ref === "#") return state.root;
  return state.options.resolveRef?.(ref);
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

function typeOf(schema: Schema): string | undefined {
  const { type } = schema;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((entry) => entry !== "null") ?? type[0];
  if (schema.properties || schema.additionalProperties) return "object";
  if (schema.items || schema.prefixItems) return "array";
  return undefined;
}

function numberSample(schema: Schema, integer: boolean): number {
  const step = integer ? 1 : 0.5;
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  if (typeof schema.minimum === "number") low = schema.minimum;
  if (typeof schema.exclusiveMinimum === "number") low = schema.exclusiveMinimum + step;
  if (typeof schema.maximum === "number") high = schema.maximum;
  if (typeof schema.exclusiveMaximum === "number") high = schema.exclusiveMaximum - step;
  // 1 when the bounds allow it (zod writes ±MAX_SAFE_INTEGER for every int), else the nearest.
  let value = Math.min(Math.max(1, low), high);
  if (integer) value = Math.ceil(value);
  const multipleOf = typeof schema.multipleOf === "number" ? schema.multipleOf : undefined;
  if (multipleOf && multipleOf > 0) value = Math.ceil(value / multipleOf) * multipleOf;
  return value;
}

/** Undefined when the schema has a `pattern` that none of the samples matches. */
function stringSample(schema: Schema, now: Date): string | undefined {
  const format = typeof schema.format === "string" ? schema.format : undefined;
  const pattern = typeof schema.pattern === "string" ? safeRegExp(schema.pattern) : undefined;
  const samples = format ? (FORMAT_SAMPLES[format] ?? datedSamples(now)[format]) : undefined;
  const candidates = [...(samples ?? []), "example"];
  const fitting = candidates.find(
    (candidate) => fitsLength(candidate, schema) && (!pattern || pattern.test(candidate)),
  );
  if (fitting !== undefined) return fitting;
  if (pattern) return undefined;
  const text = candidates[0] ?? "example";
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  return text.padEnd(min, "x").slice(0, max);
}

function fitsLength(text: string, schema: Schema): boolean {
  const length = [...text].length;
  if (typeof schema.minLength === "number" && length < schema.minLength) return false;
  if (typeof schema.maxLength === "number" && length > schema.maxLength) return false;
  return true;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

function arraySample(schema: Schema, state: State): unknown[] {
  if (Array.isArray(schema.prefixItems)) {
    return schema.prefixItems.map((item) => sample(item, state) ?? null);
  }
  const item = sample(schema.items, state);
  if (item === undefined) return [];
  const min = typeof schema.minItems === "number" ? schema.minItems : 1;
  const max = typeof schema.maxItems === "number" ? schema.maxItems : Number.POSITIVE_INFINITY;
  const count = Math.min(Math.max(min, 1), max);
  return Array.from({ length: count }, () => structuredClone(item));
}

function objectSample(schema: Schema, state: State): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties = isSchema(schema.properties) ? schema.properties : {};
  // Every property, optional ones too, so the example shows the whole shape; an optional one
  // without a sample value is left out, a required one is null (and the example test fails).
  for (const [name, property] of Object.entries(properties)) {
    const value = sample(property, state);
    if (value !== undefined) result[name] = value;
    else if (required.has(name)) result[name] = null;
  }
  if (Object.keys(properties).length === 0 && isSchema(schema.additionalProperties)) {
    const names = isSchema(schema.propertyNames) ? schema.propertyNames : {};
    const name = sample({ type: "string", ...names }, state);
    const value = sample(schema.additionalProperties, state);
    if (typeof name === "string" && value !== undefined) result[name] = value;
  }
  return result;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isSchema(value);
}

function isNullSchema(value: unknown): boolean {
  return isSchema(value) && value.type === "null";
}
