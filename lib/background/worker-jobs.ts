import type { RescoreStatus } from '../db/profiles';
import type { RescoreOptions } from '../db/rescore';
import type { PastSnapshotOptions } from '../db/past-snapshots';
import type { PastSnapshotStatus } from '../snapshots';

/** The background's long work, as it asks a worker of its own for it: each job's options as plain data. */
export type WorkerJob =
  | { kind: 'rescore'; options: Pick<RescoreOptions, 'reason' | 'timeZone' | 'settings' | 'touched'> }
  | { kind: 'pastMonths'; options: Pick<PastSnapshotOptions, 'timeZone' | 'settings'> };

/** What a job says of itself as it goes, and at its end. */
export type JobStatus<J extends WorkerJob> = J extends { kind: 'rescore' } ? RescoreStatus : PastSnapshotStatus;

/** The port the scoring document opens to the background. */
export const WORKER_PORT = 'tiermark-scoring';

/** Background → the scoring document: a job to start in a worker of its own. */
export type JobRequest = { type: 'start'; id: number; job: WorkerJob };

/** A job's worker → the scoring document. `failed`: the worker itself failed, not the job (a rescore that fails says so in its status). */
export type WorkerReply = { type: 'progress'; status: RescoreStatus | PastSnapshotStatus } | { type: 'done'; status: RescoreStatus | PastSnapshotStatus } | { type: 'failed'; error: string };

/** The scoring document → background: a job's reply, by the job's id. */
export type JobReply = WorkerReply & { id: number };

/**
 * The scoring document → background while any job runs, every `ALIVE_MS`: a service worker that
 * hears nothing for 30 s is stopped, and a rescore's reading and fits at a million customers go
 * longer than that without a word of progress.
 */
export type Alive = { type: 'alive' };
export const ALIVE_MS = 10_000;
