import type { AbResultsReply, AbResultsRequest, ForecastReply, ForecastRequest, MovementReply, MovementRequest, PathReply, PathRequest, CohortReply, CohortRequest, KpiReply, KpiRequest, PreviewAheadReply, PreviewAheadRequest, PreviewReply, PreviewRequest, WindowReply, WindowRequest } from '../db/customer-table';
import type { SegmentReply, SegmentRequest } from './segment-export';

export type WorkerRequest = WindowRequest | SegmentRequest | PreviewRequest | PreviewAheadRequest | KpiRequest | CohortRequest | AbResultsRequest | ForecastRequest | MovementRequest | PathRequest;
export type WorkerMessage = WindowReply | SegmentReply | PreviewReply | PreviewAheadReply | KpiReply | CohortReply | AbResultsReply | ForecastReply | MovementReply | PathReply | { id: number; kind: 'progress'; share: number };

type Unsent<T> = T extends unknown ? Omit<T, 'id' | 'kind'> : never;

/**
 * The page's side of the query worker: each request gets its reply. One worker per dashboard or
 * popup, kept while it is open, so going back to the Customers page finds its columns loaded.
 */
export class CustomerQueries {
  private next = 1;
  private readonly waiting = new Map<number, { done(reply: WorkerMessage): void; progress?(share: number): void; early?(reply: WorkerMessage): void }>();

  constructor(private readonly worker: Pick<Worker, 'postMessage' | 'addEventListener'>) {
    // A worker that failed to start or crashed answers nothing: every waiting page is told so, never left reading.
    worker.addEventListener('error', (event) => {
      const message = (event as ErrorEvent).message || 'the query worker stopped';
      for (const [id, waiting] of this.waiting) waiting.done({ id, kind: 'failed', message });
      this.waiting.clear();
    });
    worker.addEventListener('message', (event) => {
      const message = (event as MessageEvent<WorkerMessage>).data;
      const waiting = this.waiting.get(message.id);
      if (message.kind === 'progress') return waiting?.progress?.(message.share);
      if (message.kind === 'answer' && message.searching) return waiting?.early?.(message);
      waiting?.done(message);
      this.waiting.delete(message.id);
    });
  }

  private send<R extends WorkerMessage>(request: Omit<WorkerRequest, 'id'>, progress?: (share: number) => void, early?: (reply: R) => void): Promise<R> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, { done: (reply) => resolve(reply as R), progress, early: early as ((reply: WorkerMessage) => void) | undefined });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** A window of the Customers page's list; `early` gets a search's first answer (`searching`) before the full one. */
  ask(request: Unsent<WindowRequest>, early?: (reply: WindowReply) => void): Promise<WindowReply> {
    return this.send({ ...request, kind: 'window' }, undefined, early);
  }

  /** The rule editor's preview of a file over the customers. */
  preview(request: Unsent<PreviewRequest>): Promise<PreviewReply> {
    return this.send({ ...request, kind: 'preview' });
  }

  /** What the preview of a stored rule file reads, read while the editor's page starts (see TableQueries.previewAhead). */
  previewAhead(request: Unsent<PreviewAheadRequest>): Promise<PreviewAheadReply> {
    return this.send({ ...request, kind: 'previewAhead' });
  }

  /** The Overview's KPIs of a period. */
  kpis(request: Unsent<KpiRequest>): Promise<KpiReply> {
    return this.send({ ...request, kind: 'kpis' });
  }

  /** Segment movement between two snapshot days. */
  movement(request: Unsent<MovementRequest>): Promise<MovementReply> {
    return this.send({ ...request, kind: 'movement' });
  }

  /** A customer's path through tiers, segments and stages over the kept days. */
  path(request: Unsent<PathRequest>): Promise<PathReply> {
    return this.send({ ...request, kind: 'path' });
  }

  /** What happened after each of the Overview's forecasts. */
  forecast(request: Unsent<ForecastRequest>): Promise<ForecastReply> {
    return this.send({ ...request, kind: 'forecast' });
  }

  /** A saved A/B test's results over a window. */
  abResults(request: Unsent<AbResultsRequest>): Promise<AbResultsReply> {
    return this.send({ ...request, kind: 'abResults' });
  }

  /** The Overview's cohort table. */
  cohorts(request: Unsent<CohortRequest>): Promise<CohortReply> {
    return this.send({ ...request, kind: 'cohorts' });
  }

  /** A segment's export (or its split's files). */
  exportSegment(request: Unsent<SegmentRequest>, progress?: (share: number) => void): Promise<SegmentReply> {
    return this.send({ ...request, kind: 'segment' }, progress);
  }
}

let shared: CustomerQueries | null = null;

export function customerQueries(): CustomerQueries {
  shared ??= new CustomerQueries(new Worker(new URL('./customer-query.worker.ts', import.meta.url), { type: 'module' }));
  return shared;
}
