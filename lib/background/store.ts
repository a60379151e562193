import { openTiermarkDB, type Database } from '../db/schema';

let database: Promise<Database> | null = null;
/** One connection per context, opened on first use. */
export function db(): Promise<Database> {
  database ??= openTiermarkDB();
  return database;
}
