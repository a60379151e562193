import { browser } from 'wxt/browser';
import { remindOfFollowUps } from './reminders';
import type { RescoreStatus } from '../db/profiles';
import { clearLookupCache } from '../db/lookup';
import { keepKpisOverPatch, TableRebuilt } from '../db/customer-table';
import { rescore, updateRescoreNeeded } from '../db/rescore';
import { rescoreTouched, touchedCounted, touchedInPlaceOfWhole, touchedRunning } from '../db/rescore-touched';
import { AFTER_STAGED, type TouchedRescore } from '../db/touched';
import { saveRuleFile } from '../db/rule-files';
import { defaultRegistry } from '../engine/registry';
import { onMessage } from '../messaging';
import { pastSnapshotProgress, rescoreProgress, shopSettings } from '../settings';
import { monthsToRebuild, rebuildCutShort, rebuildPastSnapshots } from '../db/past-snapshots';
import { db } from './store';
import { inWorker, listenForWorkerDocument } from './worker-thread';
import type { Database } from '../db/schema';
import type { PastSnapshotStatus } from '../snapshots';

const DAILY_ALARM = 'daily-rescore';

let running: Promise<RescoreStatus> | null = null;
let queued: Promise<RescoreStatus> | null = null;

async function runRescore(reason: RescoreStatus['reason']): Promise<RescoreStatus> {
  const { timeZone, clvDiscountRate } = await shopSettings.getValue();
  const database = await db();
  const startedAt = Date.now();
  // After an import or staff's notes, the touched customers first, over the last whole rescore: their
  // badges, cards and the dashboard's figures are right in seconds, where a whole rescore takes a minute at a million.
  let touched: TouchedRescore | undefined;
  if (AFTER_STAGED.has(reason)) {
    const running = await touchedRunning(database, reason, startedAt);
    void rescoreProgress.setValue(running);
    try {
      const onTouched = async (customers: number) => void rescoreProgress.setValue(await touchedCounted(database, running, customers));
      touched = await rescoreTouched(database, { timeZone, settings: { clvDiscountRate }, onTouched });
    } catch (error) {
      // The whole rescore below does its work and says how it went in its own status: none is left 'running'.
      console.error('Tiermark: the rescore of the touched failed; rescoring everyone', error);
    }
  }
  if (touched?.state === 'done') clearLookupCache(database);
  // An import or staff's notes it completed need no whole rescore (at a million, a minute and a
  // gigabyte for each note saved); a seller's "rescore everyone" still gets one.
  if ((reason === 'import' || reason === 'notes') && touched?.state === 'done' && touched.complete) {
    const status = await touchedInPlaceOfWhole(database, reason, startedAt, touched);
    void rescoreProgress.setValue(status);
    void kpisOverPatch(database);
    await rebuildMissingMonths(status, timeZone);
    return status;
  }
  const options = { reason, ...(touched && { touched }), timeZone, settings: { clvDiscountRate } };
  // Progress goes to extension storage too: pages can watch it, and each write keeps the worker awake.
  const onProgress = (progress: RescoreStatus) => void rescoreProgress.setValue(progress);
  const status = (await inWorker(database, { kind: 'rescore', options }, onProgress)) ?? (await rescore(database, { ...options, onProgress }));
  // Badges come from the new profiles from now on.
  clearLookupCache(database);
  await rebuildMissingMonths(status, timeZone);
  return status;
}

/** The Overview's opening KPIs over the patch just written, counted once here, not by each Overview opened; not in the rescore's turn. */
async function kpisOverPatch(database: Database): Promise<void> {
  try {
    await keepKpisOverPatch(database);
  } catch (error) {
    // The Overview counts them itself, as before; a table a whole rescore replaced meanwhile is no failure.
    if (!(error instanceof TableRebuilt)) console.error('Tiermark: the KPIs over the day’s patch were not kept', error);
  }
}

/** After a rescore, past months' snapshots rebuilt when some are missing or an import changed their orders. */
async function rebuildMissingMonths(status: RescoreStatus, timeZone: string): Promise<void> {
  if (status.state === 'done' && status.firstOrderDay !== undefined && (await monthsToRebuild(await db(), status.firstOrderDay, status.asOfDay, timeZone)).length > 0) rebuildPastMonths();
}

let rebuilding: Promise<unknown> | null = null;
let rebuildAgain = false;

/**
 * Past months' snapshots, rebuilt from the orders once a rescore finds months without one (the
 * first import of a long history). Not in the rescores' turn: a rule edit meanwhile is not held up.
 * One at a time; asked for during one, one more follows it.
 */
function rebuildPastMonths(): void {
  if (rebuilding) {
    rebuildAgain = true;
    return;
  }
  rebuilding = (async () => {
    const { timeZone, clvDiscountRate } = await shopSettings.getValue();
    const database = await db();
    const options = { timeZone, settings: { clvDiscountRate } };
    const onProgress = (progress: PastSnapshotStatus) => void pastSnapshotProgress.setValue(progress);
    if (!(await inWorker(database, { kind: 'pastMonths', options }, onProgress))) await rebuildPastSnapshots(database, { ...options, onProgress });
  })().finally(() => {
    rebuilding = null;
    if (rebuildAgain) {
      rebuildAgain = false;
      rebuildPastMonths();
    }
  });
}

/** One rescore at a time; a request during one queues a single follow-on run, which serves every later request too. */
export function requestRescore(reason: RescoreStatus['reason']): Promise<RescoreStatus> {
  if (!running) {
    running = runRescore(reason).finally(() => (running = null));
    return running;
  }
  queued ??= running.then(() => {
    queued = null;
    return requestRescore(reason);
  });
  return queued;
}

/** Rescoring after imports, rule edits, on request, and daily. Registered synchronously at the top of the background. */
export function setUpRescore(): void {
  listenForWorkerDocument();
  onMessage('rescore', ({ data }) => requestRescore(data.reason));
  onMessage('saveRuleFile', async ({ data }) => {
    const problems = await saveRuleFile(await db(), data.file, data.text, defaultRegistry());
    // The reply does not wait for the rescore: the dashboard follows its progress.
    if (problems.length === 0) void requestRescore('rules');
    return { problems };
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    // The daily rescore, then the seller's reminder of what it leaves due.
    if (alarm.name === DAILY_ALARM) void requestRescore('daily').then(() => remindOfFollowUps());
  });
  const ensureAlarm = async () => {
    if (!(await browser.alarms.get(DAILY_ALARM))) await browser.alarms.create(DAILY_ALARM, { delayInMinutes: 60, periodInMinutes: 24 * 60 });
  };
  browser.runtime.onInstalled.addListener(() => void ensureAlarm());
  browser.runtime.onStartup.addListener(() => void ensureAlarm());
  // A store from before the badge index or the customer table gets them from one rescore, asked whenever the worker starts:
  // the browser does not always say it updated (an unpacked folder replaced, then a restart).
  void db()
    .then(updateRescoreNeeded)
    .then((missing) => {
      if (missing) void requestRescore('update');
    });
  // A rebuild of past months the browser cut short runs again: it rebuilds what is still missing and says when it is done.
  void db()
    .then(rebuildCutShort)
    .then((cut) => {
      if (cut) rebuildPastMonths();
    });
}
