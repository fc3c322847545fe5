// The HTML escaping every template relies on, tested on its own: the layout applies it even to
// values no schema would let through.
import { describe, expect, it } from "vitest";
import { escapeHtml, httpUrl } from "../../../lib/notify/templates/html.js";

describe("escapeHtml", () => {
  it("escapes the five characters that can open markup or end an attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
    expect(escapeHtml("Zoë — 心理")).toBe("Zoë — 心理");
  });
});

describe("httpUrl", () => {
  it("gives http(s) URLs back normalized, quotes and spaces percent-encoded", () => {
    expect(httpUrl('https://app.example.com/a b?q="x"\'')).toBe(
      "https://app.example.com/a%20b?q=%22x%22%27",
    );
    expect(httpUrl("HTTP://App.Example.com:80/")).toBe("http://app.example.com/");
  });

  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "mailto:a@b.c"])(
    "refuses %s, naming only the scheme",
    (url) => {
      expect(() => httpUrl(url)).toThrow(/^not an http\(s\) URL: [a-z]+:$/);
    },
  );
});
