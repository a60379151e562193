import type { Order } from '../model';
import { mergeContinuation } from './fold';
import { importStream, type StreamResult, type StreamSettings } from './stream';

export interface CollectedImport extends StreamResult {
  orders: Map<string, Order>;
}

/** Imports into memory (the command line and tests); `keepItems: false` saves memory on big files. */
export async function importToMemory(
  chunks: AsyncIterable<Uint8Array>,
  settings: StreamSettings,
  { keepItems = true } = {},
): Promise<CollectedImport> {
  const orders = new Map<string, Order>();
  const result = await importStream(chunks, settings, (folded) => {
    const order = keepItems ? folded.order : { ...folded.order, items: [] };
    const earlier = folded.continuation ? orders.get(order.key) : undefined;
    orders.set(order.key, earlier && folded.continuation ? mergeContinuation(earlier, order, folded.continuation) : order);
  });
  return { ...result, orders };
}
