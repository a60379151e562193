import type { TableReply, TableRequest } from '../db/customer-table';

/**
 * The page's side of the query worker: each request gets its reply. One worker per dashboard or
 * popup, kept while it is open, so going back to the Customers page finds its columns loaded.
 */
export class CustomerQueries {
  private next = 1;
  private readonly waiting = new Map<number, (reply: TableReply) => void>();

  constructor(private readonly worker: Pick<Worker, 'postMessage' | 'addEventListener'>) {
    worker.addEventListener('message', (event) => {
      const reply = (event as MessageEvent<TableReply>).data;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  ask(request: Omit<TableRequest, 'id'>): Promise<TableReply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...request, id });
    });
  }
}

let shared: CustomerQueries | null = null;

export function customerQueries(): CustomerQueries {
  shared ??= new CustomerQueries(new Worker(new URL('./customer-query.worker.ts', import.meta.url), { type: 'module' }));
  return shared;
}
