import type { StoreStatus } from '../messaging';
import { rescoreStatus } from './profiles';
import { storeCounts, type Database } from './schema';

export async function storeStatus(db: Database): Promise<StoreStatus> {
  const [counts, imports, rescore] = await Promise.all([storeCounts(db), db.getAll('imports'), rescoreStatus(db)]);
  const finished = imports.map((r) => r.finishedAt ?? 0).filter((t) => t > 0);
  return { customers: counts.customers, orders: counts.orders, imports: imports.length, lastImportAt: finished.length ? Math.max(...finished) : null, rescore: rescore ?? null };
}
