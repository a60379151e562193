/// <reference lib="webworker" />
import { TableQueries } from '../db/customer-table';
import { openTiermarkDB } from '../db/schema';
import type { SegmentReply, SegmentRequest, WorkerMessage, WorkerRequest } from './customer-queries';
import { segmentFiles } from './segment-export';

// The query worker: the customer table's columns live here, off the page's thread.
const database = openTiermarkDB();
const queries = new TableQueries(() => database);
const reply = (message: WorkerMessage) => self.postMessage(message);

async function exportSegment({ id, storeVersion, segment, shop, files }: SegmentRequest): Promise<SegmentReply> {
  try {
    const members = await queries.members(storeVersion, segment, shop);
    if (!members) return { id, kind: 'missing' };
    return { id, kind: 'files', files: await segmentFiles(members, files, (share) => reply({ id, kind: 'progress', share })), members: members.length };
  } catch (error) {
    return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  void (request.kind === 'window' ? queries.answer(request) : exportSegment(request)).then(reply);
};
