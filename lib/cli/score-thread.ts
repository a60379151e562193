import { parentPort, workerData } from 'node:worker_threads';
import { CustomerTallies } from '../customers';
import { historyFromEntries } from '../scoring/history';
import { rowMaker, type RowBatch, type RowBatchDone, type RowSetup } from './score-rows';

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
