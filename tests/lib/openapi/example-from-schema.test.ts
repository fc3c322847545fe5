// Sample values for JSON Schemas, where the OpenAPI document has no hand-written example.
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { exampleFromSchema } from "../../../lib/openapi/example-from-schema.js";

const sampleOf = (schema: z.ZodType, io: "input" | "output" = "output") =>
  exampleFromSchema(z.toJSONSchema(schema, { io, unrepresentable: "any" }));

describe("exampleFromSchema", () => {
  it("prefers what the schema states: examples, const, default, enum", () => {
    expect(sampleOf(z.string().meta({ examples: ["given"] }))).toBe("given");
    expect(sampleOf(z.literal("fixed"))).toBe("fixed");
    expect(sampleOf(z.number().int().default(20), "input")).toBe(20);
    expect(sampleOf(z.enum(["video", "in_person"]))).toBe("video");
  });

  it("makes values in the formats zod checks", () => {
    const schema = z.object({
      id: z.uuid(),
      email: z.email(),
      at: z.iso.datetime(),
      atWithOffset: z.iso.datetime({ offset: true }),
      day: z.iso.date(),
      link: z.url(),
    });
    const sample = sampleOf(schema);
    expect(schema.safeParse(sample).error).toBeUndefined();
  });

  it("keeps numbers, strings and arrays within their bounds", () => {
    const schema = z.object({
      amount: z.number().int().positive(),
      above: z.number().int().min(5).max(9),
      below: z.number().max(-3),
      step: z.number().int().min(7).multipleOf(5),
      code: z.string().min(12).max(14),
      short: z.string().max(3),
      list: z.array(z.boolean()).min(2),
    });
    const sample = sampleOf(schema);
    expect(schema.safeParse(sample).error).toBeUndefined();
  });

  it("follows $defs references and unions, preferring a value to null", () => {
    const Named = z.object({ slug: z.string() }).meta({ id: "Named" });
    const schema = z.object({ one: Named, many: z.array(Named), maybe: Named.nullable() });
    expect(sampleOf(schema)).toEqual({
      one: { slug: "example" },
      many: [{ slug: "example" }],
      maybe: { slug: "example" },
    });
  });

  it("resolves other references with the caller's resolver", () => {
    expect(
      exampleFromSchema(
        { $ref: "#/components/schemas/Thing" },
        { resolveRef: (ref) => (ref.endsWith("/Thing") ? { type: "boolean" } : undefined) },
      ),
    ).toBe(true);
  });

  it("does not invent strings for patterns it cannot meet", () => {
    const schema = z.object({
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      note: z.string().nullable(),
    });
    // The optional field is left out; a nullable one falls back to null.
    expect(sampleOf(schema, "input")).toEqual({ note: "example" });
    expect(sampleOf(z.object({ code: z.string().regex(/^[A-Z]{3}$/) }))).toEqual({ code: null });
  });

  it("stops on recursive schemas", () => {
    interface Tree {
      name: string;
      children: Tree[];
    }
    const Tree: z.ZodType<Tree> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(Tree) }),
    );
    const sample = sampleOf(Tree) as Tree;
    expect(sample.name).toBe("example");
    expect(Tree.safeParse(sample).error).toBeUndefined();
  });

  it("samples records and tuples", () => {
    expect(sampleOf(z.record(z.string(), z.number().int()))).toEqual({ example: 1 });
    expect(sampleOf(z.tuple([z.string(), z.boolean()]))).toEqual(["example", true]);
  });
});
