/// <reference lib="webworker" />
import { TableQueries, type PreviewAheadReply, type PreviewAheadRequest } from '../db/customer-table';
import { ruleFileTexts } from '../db/rule-files';
import { openTiermarkDB } from '../db/schema';
import { storeStatus } from '../db/status';
import { storeVersionOf } from '../messaging';
import type { WorkerMessage, WorkerRequest } from './customer-queries';
import { exportSegment } from './segment-export';

// The query worker: the customer table's columns live here, off the page's thread.
const database = openTiermarkDB();
const queries = new TableQueries(() => database);
// Opened as the page starts, with the version the page will ask at (read as the page reads it).
queries.openAhead(database.then(storeStatus).then(storeVersionOf));
const reply = (message: WorkerMessage) => self.postMessage(message);

/** The stored text of the file the rule editor opens: what its preview reads is read while the editor loads. */
async function previewAhead({ id, file }: PreviewAheadRequest): Promise<PreviewAheadReply> {
  try {
    const text = (await ruleFileTexts(await database)).find((f) => f.file === file)?.text;
    if (text !== undefined) await queries.previewAhead(text, file);
  } catch {
    // The preview reads what this could not; the page is answered either way.
  }
  return { id, kind: 'previewAhead' };
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const { id } = request;
  const answered =
    request.kind === 'window' ? queries.answer(request, reply)
    : request.kind === 'preview' ? queries.preview(request)
    : request.kind === 'previewAhead' ? previewAhead(request)
    : request.kind === 'kpis' ? queries.kpis(request)
    : request.kind === 'cohorts' ? queries.cohorts(request)
    : request.kind === 'abResults' ? queries.abResults(request)
    : request.kind === 'forecast' ? queries.forecast(request)
    : request.kind === 'movement' ? queries.movement(request)
    : request.kind === 'path' ? queries.path(request)
    : exportSegment(queries, request, (share) => reply({ id, kind: 'progress', share }));
  void answered.then(reply);
};
