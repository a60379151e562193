/// <reference lib="webworker" />
import { TableQueries } from '../db/customer-table';
import { openTiermarkDB } from '../db/schema';
import type { WorkerMessage, WorkerRequest } from './customer-queries';
import { exportSegment } from './segment-export';

// The query worker: the customer table's columns live here, off the page's thread.
const database = openTiermarkDB();
const queries = new TableQueries(() => database);
const reply = (message: WorkerMessage) => self.postMessage(message);

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const { id } = request;
  const answered =
    request.kind === 'window' ? queries.answer(request, reply)
    : request.kind === 'preview' ? queries.preview(request)
    : request.kind === 'kpis' ? queries.kpis(request)
    : request.kind === 'cohorts' ? queries.cohorts(request)
    : request.kind === 'abResults' ? queries.abResults(request)
    : request.kind === 'forecast' ? queries.forecast(request)
    : request.kind === 'movement' ? queries.movement(request)
    : request.kind === 'path' ? queries.path(request)
    : exportSegment(queries, request, (share) => reply({ id, kind: 'progress', share }));
  void answered.then(reply);
};
