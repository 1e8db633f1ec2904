/** Response records (test-helpers/response-suite.ts) on SQLite. */
import { sqliteBackend } from "./test-helpers/backends.js";
import { responseSuite } from "./test-helpers/response-suite.js";

responseSuite(sqliteBackend());
