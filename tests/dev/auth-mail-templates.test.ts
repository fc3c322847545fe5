// The local Auth API's mail templates: the project's Confirm signup template (the file
// supabase/config.toml names, which the README says to paste into a hosted project) filled in as
// GoTrue fills it, and any template action the stand-in would not fill in refused at start.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkMailTemplate,
  PROJECT_MAIL_TEMPLATES,
  projectMailTemplates,
  renderMailTemplate,
} from "../../dev/supabase/auth/mail-templates.js";
import { REPO_ROOT } from "../helpers/api.js";

const values = {
  SiteURL: "https://app.example.test",
  TokenHash: "ab12",
  Token: "123456",
  ConfirmationURL: "https://project.example.test/auth/v1/verify?token=ab12&type=signup",
  RedirectTo: "https://app.example.test",
  Email: "ann@example.test",
};

describe("the project's confirmation template", () => {
  it("is the file and subject supabase/config.toml gives `supabase start`", async () => {
    const config = await readFile(join(REPO_ROOT, "supabase", "config.toml"), "utf8");
    const section = /\[auth\.email\.template\.confirmation\]\n([^[]*)/.exec(config)?.[1] ?? "";
    const { subject, contentPath } = PROJECT_MAIL_TEMPLATES.confirmation;
    expect(section).toContain(`subject = "${subject}"`);
    expect(section).toContain(`content_path = "./${contentPath}"`);
  });

  it("links to the app's /auth/confirm page with the token hash and type=email in the fragment", async () => {
    const { confirmation } = await projectMailTemplates(REPO_ROOT);
    if (!confirmation) throw new Error("no confirmation template");
    checkMailTemplate("confirmation", confirmation);
    const html = renderMailTemplate(confirmation, values);
    expect(html).toContain(
      'href="https://app.example.test/auth/confirm#token_hash=ab12&type=email"',
    );
    expect(html).not.toContain("{{");
  });
});

describe("a mail template", () => {
  it("may use GoTrue's variables, with or without spaces, and gets their values escaped", () => {
    const html = renderMailTemplate(
      { subject: "s", content: "<a href='{{.ConfirmationURL}}'>{{ .Email }}</a> {{ .Token }}" },
      { ...values, Email: "<ann>@example.test" },
    );
    expect(html).toBe(
      "<a href='https://project.example.test/auth/v1/verify?token=ab12&#38;type=signup'>&#60;ann&#62;@example.test</a> 123456",
    );
  });

  it("is refused, naming the action, when it uses one the stand-in does not fill in", () => {
    for (const action of ["{{ .Data.name }}", "{{ if .Token }}", "{{ .NewEmail }}"]) {
      expect(() =>
        checkMailTemplate("confirmation", { subject: "s", content: `<p>${action}</p>` }),
      ).toThrow(action.replace(/^\{\{ | \}\}$/g, ""));
    }
  });
});
