/** Response records (test-helpers/response-suite.ts) on PostgreSQL, in a fresh schema per database. */
import { postgresBackend } from "./test-helpers/backends.js";
import { responseSuite } from "./test-helpers/response-suite.js";

responseSuite(await postgresBackend());
