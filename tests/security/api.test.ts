// The security matrix over every function in api/.
import { REPO_ROOT } from "../helpers/api.js";
import { securityMatrix } from "./matrix.js";

await securityMatrix(REPO_ROOT);
