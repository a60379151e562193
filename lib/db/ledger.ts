import type { FormatId } from '../formats';
import type { Localised } from '../localised';
import type { ImportReport, Rejection } from '../import/session';
import type { Database } from './schema';

/** `skipped`: a file of a batch that was not imported because its preview found it unreadable (never stored). */
export type ImportStatus = 'running' | 'committing' | 'complete' | 'duplicate' | 'failed' | 'cancelled' | 'interrupted' | 'skipped';

/** One line of the imports ledger: what was read from which file, and how it ended. */
export interface ImportRecord {
  id: string;
  fileName: string;
  fileSize: number;
  /** The file's print (`p8m:`…, see `filePrint`); in records of earlier releases, the SHA-256 of its bytes. */
  hash: string;
  status: ImportStatus;
  format: FormatId | null;
  /** The shop the orders went to (absent while the format is not known yet). */
  shop?: string;
  encoding: string | null;
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  /** Rows that repeat an earlier row of the same order, counted once; absent in records from before it was counted. */
  duplicateRows?: number;
  orders: number;
  /** Orders new to the store, and orders an overlapping export updated. */
  ordersAdded: number;
  ordersUpdated: number;
  /** The earliest instant of an order it added or changed (past months' snapshots from then on are rebuilt); absent when none, or in records from before it was kept. */
  earliestChangedAt?: number;
  customersTouched: number;
  rejections: Rejection[];
  warnings: Localised[];
  /** How the file was read: the columns used, the date pattern and zone, the decimal marks, the buyer fallbacks (absent in older records). */
  readAs?: Pick<ImportReport, 'mapping' | 'dateFormat' | 'timeZone' | 'currency' | 'decimalMarks' | 'fallbacks' | 'cashOnDelivery' | 'guestOrders'>;
  /** Where a commit takes the orders from: staging survives a closed tab, memory (a file small enough) does not. */
  commitFrom?: 'staging' | 'memory';
  /** Why it failed, in words for the seller; plain text for an unforeseen error, or from before texts were bilingual. */
  error: Localised | string | null;
  /** Time spent reading (parse and stage), saving orders and building customers, and hashing the file beside the reading, in ms. */
  /** `beside`: the groups and ranges of identifiers a thread beside the import's committed (see CommitThread). */
  timings: { hashMs?: number; readMs?: number; saveMs?: number; customersMs?: number; beside?: number };
}

/**
 * Whether an import (by id) may have changed the store: not a file imported before, nor one whose
 * orders were all known. One the ledger does not have (a file refused before it was read) may have.
 */
export async function importChangedStore(db: Database, importId: string): Promise<boolean> {
  const record = importId ? await db.get('imports', importId) : undefined;
  return !record || record.ordersAdded + record.ordersUpdated > 0;
}
