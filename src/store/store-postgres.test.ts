/**
 * The store suite (test-helpers/store-suite.ts) on PostgreSQL: a fresh schema per database, named for
 * this run, dropped after; so this file can run beside any other, this suite included.
 */
import { postgresBackend } from "./test-helpers/backends.js";
import { storeSuite } from "./test-helpers/store-suite.js";

storeSuite(await postgresBackend());
