/// <reference lib="webworker" />
import { openTiermarkDB } from '../db/schema';
import { applyAliasPass, commitGroup, emptyTally, type CommitPlan } from '../db/commit';
import type { CommitReply, CommitRequest } from './worker-protocol';

/** Commits the staged groups and ranges of identifiers the import's worker hands it, beside its own (see CommitThread). */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const opened = openTiermarkDB();
// Heard by each group below, not as an unhandled rejection.
opened.catch(() => {});
let plan: CommitPlan | null = null;

scope.onmessage = async (event: MessageEvent<CommitRequest>) => {
  const request = event.data;
  try {
    if ('plan' in request) {
      plan = request.plan;
      await opened;
      scope.postMessage({ id: request.id } satisfies CommitReply);
      return;
    }
    if (!plan) throw new Error('work came before the plan');
    if ('pass' in request) {
      await applyAliasPass(await opened, plan.importId, request.pass, request.staging);
      scope.postMessage({ id: request.id } satisfies CommitReply);
      return;
    }
    const tally = emptyTally();
    await commitGroup(await opened, plan, request.group, undefined, tally);
    scope.postMessage({ id: request.id, tally } satisfies CommitReply);
  } catch (error) {
    scope.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies CommitReply);
  }
};
