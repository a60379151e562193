import type { ImportProgress } from '../db/importer';
import type { CommitPlan, CommitTally } from '../db/commit';
import type { ImportRecord } from '../db/ledger';
import type { StreamSettings } from './stream';
import type { Localised } from '../localised';
import type { StagedBatch } from '../db/staged-orders';

/** Page → worker. */
export type WorkerRequest = { type: 'start'; file: File; settings: StreamSettings; importId: string } | { type: 'cancel' };
/** Worker → page. */
export type WorkerReply =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; record: ImportRecord }
  | { type: 'error'; error: Localised | string };

/** Hash worker → import worker: the file's SHA-256 and how long it took, or why it could not be read. */
export type HashReply = { hash: string; ms: number } | { error: string };

/** Import worker → staging worker: a record to put; its reply says it is stored, or why not. */
export type StageRequest = { id: number; batch: StagedBatch };
export type StageReply = { id: number } | { id: number; error: string };

const LOCK_PREFIX = 'tiermark-import:';

/** The Web Lock an import holds while it runs; the dashboard reads it to tell a live import from one whose tab closed. */
export const importLockName = (importId: string) => `${LOCK_PREFIX}${importId}`;

export function importIdOfLock(name: string): string | null {
  return name.startsWith(LOCK_PREFIX) ? name.slice(LOCK_PREFIX.length) : null;
}

/** Import worker → commit worker: the commit's plan, then a group or a range of identifiers at a time; a reply says what a group did, or why it failed. */
export type CommitRequest = { id: number; plan: CommitPlan } | { id: number; group: number } | { id: number; pass: number; staging: boolean };
export type CommitReply = { id: number; tally?: CommitTally } | { id: number; error: string };
