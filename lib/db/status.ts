import type { StoreStatus } from '../messaging';
import type { Database } from './schema';

export async function storeStatus(db: Database): Promise<StoreStatus> {
  const tx = db.transaction(['customers', 'orders', 'imports']);
  const [customers, orders, imports] = await Promise.all([
    tx.objectStore('customers').count(),
    tx.objectStore('orders').count(),
    tx.objectStore('imports').getAll(),
  ]);
  const finished = imports.map((r) => r.finishedAt ?? 0).filter((t) => t > 0);
  return { customers, orders, imports: imports.length, lastImportAt: finished.length ? Math.max(...finished) : null };
}
