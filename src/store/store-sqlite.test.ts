/** The store suite (test-helpers/store-suite.ts) on SQLite, in a temporary directory. */
import { sqliteBackend } from "./test-helpers/backends.js";
import { storeSuite } from "./test-helpers/store-suite.js";

storeSuite(sqliteBackend());
