import type { RescoreStatus } from '../db/profiles';
import type { RescoreOptions } from '../db/rescore';

/** A whole rescore as the background asks a thread of its own for it: what its options hold as plain data. */
export type RescoreJob = Pick<RescoreOptions, 'reason' | 'timeZone' | 'settings' | 'touched' | 'thread'>;

/** The port the rescore's document opens to the background. */
export const RESCORE_PORT = 'tiermark-rescore';

/** Background → the rescore's document. */
export type RescoreRequest = { type: 'start'; job: RescoreJob };

/** The rescore's document (from its worker) → background. `failed`: the worker itself failed, not the rescore (a rescore that fails says so in its status). */
export type RescoreReply = { type: 'progress'; status: RescoreStatus } | { type: 'done'; status: RescoreStatus } | { type: 'failed'; error: string };
