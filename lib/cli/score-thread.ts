import { parentPort, workerData } from 'node:worker_threads';
import { CustomerTallies, type TallyColumns } from '../customers';
import { historyFromEntries } from '../scoring/history';
import { rowMaker, type RowSetup } from './score-rows';

/** A run of customers for a thread to write rows of: the i-th one's tallies, and history entries at `offsets[i]` to `offsets[i + 1]` (three numbers an order). */
export interface RowBatch {
  index: number;
  tallies: TallyColumns;
  offsets: Uint32Array;
  entries: Float64Array;
}

export type RowBatchDone = { index: number; text: string } | { index: number; error: string };

const setup = workerData as RowSetup;
const rowsText = rowMaker(setup);
parentPort!.on('message', async ({ index, tallies, offsets, entries }: RowBatch) => {
  try {
    const reading = CustomerTallies.reading(tallies);
    const customers = Array.from(tallies.keys, (_, i) => reading.customerAt(i));
    const text = await rowsText(customers, (i) => historyFromEntries(customers[i]!, entries.subarray(3 * offsets[i]!, 3 * offsets[i + 1]!), setup.ctx!));
    parentPort!.postMessage({ index, text } satisfies RowBatchDone);
  } catch (error) {
    parentPort!.postMessage({ index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RowBatchDone);
  }
});
