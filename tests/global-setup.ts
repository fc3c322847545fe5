// Once before any test file: build what public/ serves but git does not keep (the demo app's
// bundle, Swagger UI's files), so every dev server a test starts serves the current app and no
// test file rewrites public/ while another one's browser is loading it.
import { buildWeb } from "../dev/build-web.js";

export default async function setup(): Promise<void> {
  await buildWeb();
}
