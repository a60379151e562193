import { CustomerTable, type CustomerTableHead, type TableRecord } from '../customer-table';
import { storeCounts, type Database } from './schema';

/** Replaces the stored table with a new build, in one transaction: a reader gets the old or the new, never a mix. */
export async function writeCustomerTable(db: Database, records: readonly TableRecord[]): Promise<void> {
  const tx = db.transaction('customerTable', 'readwrite');
  await Promise.all([tx.store.clear(), ...records.map((record) => tx.store.put(record)), tx.done]);
}

/** The table as the last rescore wrote it, and how many customers an import has added since (listed after the next rescore). */
export interface OpenedTable {
  table: CustomerTable;
  notListed: number;
}

/**
 * Opens the stored table, or null when there is none (a store from before it, until its first
 * rescore). Its columns are read when a query first needs them, from the same build: a rescore
 * that replaced it in between makes the read fail rather than mix two builds.
 */
export async function openCustomerTable(db: Database): Promise<OpenedTable | null> {
  const [head, counts] = await Promise.all([db.get('customerTable', 'head') as Promise<CustomerTableHead | undefined>, storeCounts(db)]);
  if (!head) return null;
  const table = new CustomerTable(head, async (names) => {
    const tx = db.transaction('customerTable');
    const [now, ...records] = await Promise.all([tx.store.get('head'), ...names.map((name) => tx.store.get(name))]);
    if ((now as CustomerTableHead | undefined)?.built !== head.built) throw new Error('The customer table was rebuilt while it was read');
    const read = new Map<string, ArrayBuffer | string>();
    records.forEach((record, i) => {
      if (record && 'text' in record) read.set(names[i]!, record.text);
      else if (record && 'bytes' in record) read.set(names[i]!, record.bytes);
    });
    return read;
  });
  return { table, notListed: Math.max(0, counts.customers - head.counts.customers) };
}
