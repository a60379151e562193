import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { accessSync, constants, createReadStream, createWriteStream, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { basename, dirname, join } from 'node:path';
import { idOfKey } from '../shops';
import { isOtherOrder } from '../db/buckets';
import { amountNotes, spendByCurrency, unfitTables } from '../engine/currency';
import { formatIds } from '../../plugins/formats';
import { importStream, type StreamSettings } from '../import/stream';
import { CHOOSABLE_ENCODINGS, type DetectedEncoding } from '../import/encoding';
import type { ImportReport, Rejection } from '../import/session';
import { both, textIn, type Localised } from '../localised';
import { CustomerTallies } from '../customers';
import { minorDigits } from '../money';
import { endOfDay, localDayNumber, toIsoInZone } from '../time';
import { HistoryCollector, type CollectedHistories } from '../scoring/history';
import { mergeContinuation, type FoldedOrder } from '../import/fold';
import type { Customer, Order } from '../model';
import { fitScorers } from '../scoring/pipeline';
import { DEFAULT_SCORE_SETTINGS } from '../scoring/scorer';
import type { Delimiter } from '../import/rows';
import { defaultRegistry } from '../engine/registry';
import { CommandError, importOption, isNodeError, options, UsageError } from './args';
import { ruleFilesFor } from './rules-check';
import { csvCell, FACT_COLUMNS, OUTCOME_COLUMNS, rowMaker, SCORE_COLUMNS, type RowBatch, type RowBatchDone, type RowSetup } from './score-rows';

export const SCORE_USAGE = `  tiermark score <file|folder> [more files or folders] --out <file.csv|file.json>
      [--format auto|${formatIds.join('|')}] [--map field=column,...]
      [--delimiter ,|tab|whitespace] [--no-header] [--date-format PATTERN] [--no-cash-on-delivery]
      [--encoding auto|${CHOOSABLE_ENCODINGS.join('|')}]
      [--tz ZONE] [--currency CODE] [--as-of YYYY-MM-DD] [--columns name,...]
      [--rules DIR] [--lang en|zh-CN] [--rejected FILE.csv]
      Several exports of one shop are read in the order given (a folder's .csv, .tsv and .txt
      files by name); an order found again in a later file is replaced by it, unless that file has
      it for another buyer (another shop's order: refused and listed).
      --no-cash-on-delivery: the shop takes none, so orders shipped before payment are unpaid
      --as-of: score as of that day, leaving out later orders; --rules: the rule files to apply
      (default: the shipped rules); --lang: labels' language; --rejected: every refused row
      with its file, row number and reason. Exits 1 when no order could be imported.`;

export interface ScoreArgs {
  /** Files and folders, in the order given. */
  inputs: string[];
  out: string;
  rejected: string | null;
  settings: StreamSettings;
  asOf: string | null;
  /** Output columns, in order; all of them by default. */
  columns: readonly string[];
  /** A folder of rule files; null for the shipped rules. */
  rules: string | null;
  lang: 'en' | 'zh-CN';
}


/** Reads `score` arguments; throws UsageError with the fix for anything it cannot use. */
export function parseScoreArgs(argv: readonly string[]): ScoreArgs {
  const settings: StreamSettings = {};
  const inputs: string[] = [];
  let out: string | undefined;
  let rejected: string | null = null;
  let asOf: string | null = null;
  let columns: readonly string[] = SCORE_COLUMNS;
  let rules: string | null = null;
  let lang: ScoreArgs['lang'] = 'en';
  for (const { arg, value } of options(argv)) {
    switch (arg) {
      case '--out':
        out = value();
        break;
      case '--rejected':
        rejected = value();
        if (!/\.csv$/i.test(rejected)) throw new UsageError(`--rejected ${rejected}: the name must end in .csv`);
        break;
      case '--rules':
        rules = value();
        break;
      case '--lang': {
        const chosen = value();
        if (chosen !== 'en' && chosen !== 'zh-CN') throw new UsageError(`--lang ${chosen}: expected en or zh-CN`);
        lang = chosen;
        break;
      }
      case '--columns': {
        columns = value().split(',').map((c) => c.trim());
        const unknown = columns.filter((c) => !SCORE_COLUMNS.includes(c));
        if (unknown.length > 0) throw new UsageError(`--columns: unknown ${unknown.join(', ')}; choose from ${SCORE_COLUMNS.join(', ')}`);
        break;
      }
      case '--as-of':
        asOf = value();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError(`--as-of ${asOf}: expected a date like 2024-12-31`);
        break;
      default:
        if (importOption(arg, value, settings)) break;
        if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}`);
        inputs.push(arg);
    }
  }
  if (inputs.length === 0) throw new UsageError('score needs an input file or folder');
  if (!out) throw new UsageError('score needs --out <file.csv|file.json>');
  if (!/\.(csv|json)$/i.test(out)) throw new UsageError(`--out ${out}: the name must end in .csv or .json`);
  if (asOf) settings.asOf = asOf;
  return { inputs, out, rejected, settings, asOf, columns, rules, lang };
}

/** The files to read: each file as given, each folder's exports by name. */
function inputFiles(inputs: readonly string[]): string[] {
  return inputs.flatMap((input) => {
    if (!existsSync(input)) throw new CommandError(`${input}: no such file or folder`);
    if (!statSync(input).isDirectory()) return [input];
    const files = readdirSync(input)
      .filter((name) => /\.(csv|tsv|txt)$/i.test(name))
      .sort()
      .map((name) => join(input, name))
      .filter((path) => statSync(path).isFile());
    if (files.length === 0) throw new CommandError(`${input}: the folder holds no .csv, .tsv or .txt file`);
    return files;
  });
}

/** Refuses an output that cannot be written before any work is done. */
function checkWritable(path: string, option: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new CommandError(`${option} ${path} is a folder: give a file name, such as ${join(path, 'customers.csv')}`);
  const folder = dirname(path);
  if (!existsSync(folder)) throw new CommandError(`${option} ${path}: the folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
    if (existsSync(path)) accessSync(path, constants.W_OK);
  } catch {
    throw new CommandError(`${option} ${path}: no permission to write there`);
  }
}

export interface ScoreResult {
  /** The summary for stderr. */
  text: string;
  /** False when no order could be imported from any file. */
  ok: boolean;
  /** The threads that scored the rows; 0 when this one did. */
  threads: number;
}

/**
 * A file of this many customers has its rows scored in threads, one per core: at a million, scoring
 * and writing the rows took a third of the command on one core. A smaller file is done before the
 * threads would have started.
 */
const THREADS_FROM = 50_000;
const MAX_THREADS = 4;
/** Customers a thread scores at once, and batches sent ahead of the one written next per thread. */
const THREAD_BATCH = 5_000;
const AHEAD = 2;

/** How the rows are scored: tests set them low, to score a small file's rows in threads. */
export interface ScoreTuning {
  /** Customers from which the rows are scored in threads. */
  threadsFrom?: number;
  /** Customers a thread scores at once. */
  threadBatch?: number;
  /** How many threads: one per core (up to four) unless set. */
  threads?: number;
}

/** The `score` command: import the files, tally customers, write one row per customer; returns the summary. */
export async function score(args: ScoreArgs, tuning: ScoreTuning = {}): Promise<ScoreResult> {
  checkWritable(args.out, '--out');
  if (args.rejected) checkWritable(args.rejected, '--rejected');
  const files = inputFiles(args.inputs);
  // Customers are tallied as orders stream by, so a big file is never held in memory.
  const tallies = new CustomerTallies(false);
  // The model columns need each customer's purchase days; without them, nothing is collected.
  const ruled = args.columns.some((column) => OUTCOME_COLUMNS.includes(column));
  const ruleFiles = ruled ? ruleFilesFor(args.rules) : null;
  const scored = ruled || args.columns.some((column) => FACT_COLUMNS.includes(column));
  const histories = scored ? new HistoryCollector() : null;
  const take = ({ order, continuation }: Pick<FoldedOrder, 'order' | 'continuation'>) => {
    if (order.customerKey === null || continuation === 'items') return;
    const slot = continuation === 'sum' ? tallies.addMoneyOnly(order.customerKey, order) : tallies.add(order.customerKey, order);
    histories?.add(slot, order, continuation === 'sum');
  };
  // One file streams straight into the tallies. Several are one shop's overlapping exports: their
  // orders are gathered by key first, so an order in two files counts once, as the later file has it.
  const gathered = files.length > 1 ? new Map<string, Order>() : null;
  let replaced = 0;
  const reads: FileRead[] = [];
  for (const file of files) {
    const seen = new Set<string>();
    // An earlier file's order number for another buyer: another store's order, refused here like a rejected row.
    const clashes: Array<{ rows: number[]; reason: Localised; continuation: boolean }> = [];
    const result = await importStream(createReadStream(file, { highWaterMark: 1 << 16 }), args.settings, (folded) => {
      if (!gathered) return take(folded);
      const order = { ...folded.order, items: [] };
      const earlier = gathered.get(order.key);
      if (earlier && folded.continuation && seen.has(order.key)) gathered.set(order.key, mergeContinuation(earlier, order, folded.continuation));
      else if (earlier && (earlier.customerKey !== order.customerKey || isOtherOrder(earlier, order))) {
        const buyer = (key: string | null) => (key === null ? both('no buyer', '无买家') : both(idOfKey(key), idOfKey(key)));
        const day = (at: number) => toIsoInZone(at, args.settings.timeZone ?? 'UTC').slice(0, 10);
        const [was, is] = [buyer(earlier.customerKey), buyer(order.customerKey)];
        const differs =
          earlier.customerKey !== order.customerKey
            ? both(`for another buyer (${was.en}); this file has it for ${is.en}`, `，买家是另一位（${was['zh-CN']}）；本文件中的买家是 ${is['zh-CN']}`)
            : both(`made on ${day(earlier.createdAt)}; this file has it made on ${day(order.createdAt)}`, `，下单于 ${day(earlier.createdAt)}；本文件中下单于 ${day(order.createdAt)}`);
        clashes.push({
          rows: folded.rows,
          continuation: folded.continuation !== null,
          reason: both(
            `order ${order.orderId} is in an earlier file ${differs.en}. Files of two shops? Score each shop's files on their own.`,
            `订单 ${order.orderId} 已在之前的文件中${differs['zh-CN']}。是两个店铺的文件吗？请分别为每个店铺的文件评分。`,
          ),
        });
      } else {
        if (earlier) replaced += 1;
        gathered.set(order.key, order);
      }
      seen.add(order.key);
    });
    const { report } = result;
    for (const clash of clashes) {
      for (const row of clash.rows) report.rejections.push({ row, reason: clash.reason });
      Object.assign(report, { rowsImported: report.rowsImported - clash.rows.length, rowsRejected: report.rowsRejected + clash.rows.length, orders: report.orders - (clash.continuation ? 0 : 1) });
    }
    if (clashes.length > 0) report.rejections.sort((a, b) => a.row - b.row);
    reads.push({ file, ...result });
  }
  if (gathered) for (const order of gathered.values()) take({ order, continuation: null });
  const report = reads[0]!.report;
  const zone = report.timeZone;
  const asOf = args.asOf ? endOfDay(args.asOf, zone) : Date.now();
  const base = { asOf, asOfDay: localDayNumber(asOf, zone), timeZone: zone, settings: DEFAULT_SCORE_SETTINGS };
  // Each fit and the scoring build the histories afresh from a few numbers per order: holding a
  // million customers' histories and aggregates took 2 GB.
  const collected = histories?.seal(tallies.size) ?? null;
  const historyAt = (customer: Customer, slot: number) => collected!.history(customer, slot, base);
  const ctx = collected
    ? fitScorers(function* () {
        for (let slot = 0; slot < tallies.size; slot += 1) yield historyAt(tallies.customerAt(slot), slot);
      }, base)
    : null;
  // The rules as they apply in each customer's currency.
  const spend = ruleFiles ? spendByCurrency(Array.from(tallies.each(), (c) => ({ currency: c.currency, spend: c.monetaryMinor / 10 ** minorDigits(c.currency), bought: c.orderCount > 0 }))) : null;
  const unfit = new Map([...(spend ?? [])].map(([currency, list]) => [currency, unfitTables(ruleFiles!, currency, list)]));
  const format = args.out.toLowerCase().endsWith('.json') ? 'json' : 'csv';
  const setup: RowSetup = {
    columns: args.columns, lang: args.lang, format, ctx, zone, asOf, asOfDay: base.asOfDay, ruleFiles,
    unfit: Object.fromEntries([...unfit].map(([currency, refs]) => [currency, [...refs]])),
  };
  const order = tallies.slotsBySpend();
  const cores = tuning.threads ?? Math.min(availableParallelism(), MAX_THREADS);
  const threads = collected && cores > 1 && order.length >= (tuning.threadsFrom ?? THREADS_FROM) ? cores : 0;
  const batches = threads > 0 ? rowsInThreads(setup, order, tallies, collected!, threads, tuning.threadBatch ?? THREAD_BATCH) : rowsHere(setup, order, tallies, collected);
  await writeAtomically(args.out, outputText(format, args.columns, batches));
  if (args.rejected) {
    const rows = reads.flatMap(({ file, report: r }) => r.rejections.map((x) => [basename(file), x.row, textIn(x.reason, 'en')].map(csvCell).join(',')));
    await writeAtomically(args.rejected, (async function* () {
      yield 'file,row,reason\n';
      for (const row of rows) yield `${row}\n`;
    })());
  }
  const lines = reads.flatMap((read) => fileSummary(read, files.length === 1 ? tallies.size : null));
  if (files.length > 1) lines.push(`${files.length} files: ${gathered!.size} orders (${replaced} found again in a later file and taken from it), customers ${tallies.size}`);
  // Rules whose amounts are not a table's for the shop's currency are said, as the Rules page says them.
  for (const [currency, refs] of unfit) for (const note of amountNotes(ruleFiles!, currency, defaultRegistry(), refs)) lines.push(`rule ${note}`);
  const imported = reads.reduce((n, r) => n + r.report.orders, 0);
  if (imported === 0) lines.push(noOrdersHelp(reads.flatMap((r) => r.report.rejections)));
  return { text: lines.join('\n'), ok: imported > 0, threads };
}

/** The rows' text in batches, customers in `order`, scored on this thread. */
async function* rowsHere(setup: RowSetup, order: Uint32Array, tallies: CustomerTallies, collected: CollectedHistories | null): AsyncGenerator<string> {
  const rowsText = rowMaker(setup);
  // Of 100: batches of 1,000 lived long enough for their rows to leave the young generation, and at
  // a million customers the garbage grew the process past 2 GB before a full GC.
  for (let from = 0; from < order.length; from += 100) {
    const slots = order.subarray(from, from + 100);
    const customers = Array.from(slots, (slot) => tallies.customerAt(slot));
    yield await rowsText(customers, (i) => collected!.history(customers[i]!, slots[i]!, setup.ctx!));
  }
}

/**
 * The rows' text in batches, customers in `order`, scored by `threads` threads: each is sent a batch
 * of customers with their history entries, and the texts are given back in order. Batches are sent
 * only a few ahead of the one written next, so the texts waiting stay few.
 */
async function* rowsInThreads(setup: RowSetup, order: Uint32Array, tallies: CustomerTallies, collected: CollectedHistories, threads: number, size: number): AsyncGenerator<string> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./score-thread.mjs', import.meta.url), { workerData: setup }));
  const count = Math.ceil(order.length / size);
  const texts = new Map<number, string>();
  const inFlight = new Map<Worker, number>(workers.map((worker) => [worker, 0]));
  let sent = 0;
  let written = 0;
  let failure: Error | null = null;
  let wake: () => void = () => {};
  const send = () => {
    for (const worker of workers) {
      while (sent < count && sent < written + AHEAD * threads && inFlight.get(worker)! < AHEAD) {
        const slots = order.subarray(sent * size, (sent + 1) * size);
        const { offsets, entries } = collected.entriesOf(slots);
        const batch: RowBatch = { index: sent, tallies: tallies.columnsOf(slots), offsets, entries };
        worker.postMessage(batch, [offsets.buffer, entries.buffer, ...CustomerTallies.buffersOf(batch.tallies)]);
        inFlight.set(worker, inFlight.get(worker)! + 1);
        sent += 1;
      }
    }
  };
  for (const worker of workers) {
    worker.on('message', (done: RowBatchDone) => {
      inFlight.set(worker, inFlight.get(worker)! - 1);
      if ('error' in done) failure ??= new Error(done.error);
      else texts.set(done.index, done.text);
      wake();
    });
    worker.on('error', (error) => {
      failure ??= error;
      wake();
    });
    worker.on('exit', (code) => {
      if (written < count) failure ??= new Error(`a scoring thread stopped (exit code ${code}) before the rows were written`);
      wake();
    });
  }
  try {
    send();
    while (written < count) {
      if (failure) throw failure;
      const text = texts.get(written);
      if (text === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      texts.delete(written);
      written += 1;
      send();
      yield text;
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

interface FileRead {
  file: string;
  report: ImportReport;
  encoding: DetectedEncoding;
  delimiter: Delimiter;
}

/** A file's summary line (with the customers when it is the only file), how it was read, its warnings and its first rejected rows. */
function fileSummary({ file, report, encoding, delimiter }: FileRead, customers: number | null): string[] {
  const counts = [
    `rows read ${report.rowsRead}`,
    `orders imported ${report.orders}`,
    `rows rejected ${report.rowsRejected}`,
    ...(report.duplicateRows > 0 ? [`duplicate rows skipped ${report.duplicateRows}`] : []),
    ...(report.ordersAfterAsOf > 0 ? [`orders after --as-of left out ${report.ordersAfterAsOf}`] : []),
    ...(customers === null ? [] : [`customers ${customers}`]),
  ];
  return [
    `${basename(file)}: ${report.formatTitle.en}; ${counts.join(', ')}`,
    readAs(report, encoding, delimiter),
    ...report.warnings.map((w) => `warning: ${w.en}`),
    ...report.rejections.slice(0, 20).map((r) => `rejected row ${r.row}: ${textIn(r.reason, 'en')}`),
    ...(report.rejections.length > 20 ? [`… and ${report.rejections.length - 20} more rejected rows`] : []),
  ];
}

/** When nothing could be imported: the commonest reasons, and the likeliest fix. */
function noOrdersHelp(rejections: readonly Rejection[]): string {
  if (rejections.length === 0) return 'No order could be imported: the file has no order rows.';
  const byReason = new Map<string, { count: number; example: string }>();
  for (const rejection of rejections) {
    const reason = textIn(rejection.reason, 'en');
    const kind = reason.replace(/: "[^"]*"$/, '');
    const entry = byReason.get(kind) ?? { count: 0, example: reason };
    entry.count += 1;
    byReason.set(kind, entry);
  }
  const top = [...byReason.values()].sort((a, b) => b.count - a.count).slice(0, 3);
  const lines = ['No order could be imported. The commonest reasons:', ...top.map((r) => `  ${r.count} × ${r.example}`)];
  const date = /^unparseable date in column "[^"]*": "([^"]*)"$/.exec(top[0]!.example);
  const hint = date ? datePatternHint(date[1]!) : null;
  if (hint) lines.push(`Likely fix: dates look like ${date![1]}: add --date-format ${hint}`);
  else if (date) lines.push('Likely fix: add --date-format with the pattern of these dates (for example M/d/yy or dd.MM.yyyy).');
  return lines.join('\n');
}

/** A date pattern for a cell such as "01/02/21" or "13.02.2021 10:05", for the hint; null when unsure. */
function datePatternHint(value: string): string | null {
  const match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(:\d{2})?)?$/.exec(value.trim());
  if (!match) return null;
  const [, first, separator, second, year, hour, , seconds] = match;
  const time = hour ? ` H:mm${seconds ? ':ss' : ''}` : '';
  const y = year!.length === 2 ? 'yy' : 'yyyy';
  const monthFirst = `M${separator}d${separator}${y}${time}`;
  const dayFirst = `d${separator}M${separator}${y}${time}`;
  if (Number(first) > 12) return dayFirst;
  if (Number(second) > 12) return monthFirst;
  return `${monthFirst} (or ${dayFirst} if the day comes first)`;
}

/** One line on how the file was read: encoding, delimiter, the columns used, dates and decimal marks. */
function readAs(report: ImportReport, encoding: DetectedEncoding, delimiter: Delimiter): string {
  const mapped = Object.entries(report.mapping).map(([field, column]) => `${field}=${column}`);
  const marks = report.decimalMarks.map((m) => `${m.column} "${m.mark}" (row ${m.row}: ${m.example})`);
  return [
    `read as: ${encoding.encoding}${encoding.bom ? ' with BOM' : ''}${encoding.evidence ? ` (${encoding.evidence})` : ''}`,
    `delimiter ${delimiter === '\t' ? 'tab' : delimiter}`,
    ...(mapped.length > 0 ? [`columns ${mapped.join(', ')}`] : []),
    ...(report.dateFormat ? [`dates ${report.dateFormat}`] : []),
    `time zone ${report.timeZone}`,
    `decimal mark ${marks.length > 0 ? marks.join(', ') : 'none seen'}`,
  ].join('; ');
}

/** The output file's text: a header, or the brackets and the separators around the batches' rows (see `rowMaker`). */
async function* outputText(format: RowSetup['format'], columns: readonly string[], batches: AsyncIterable<string>): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `${columns.join(',')}\n`;
    yield* batches;
    return;
  }
  let first = true;
  yield '[';
  for await (const batch of batches) {
    yield `${first ? '\n' : ',\n'}${batch}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

/** Writes beside the target and renames, so a failed run never leaves a half-written file. */
async function writeAtomically(path: string, lines: AsyncIterable<string>): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(temporary);
  try {
    for await (const line of lines) if (!out.write(line)) await once(out, 'drain');
    out.end();
    await finished(out);
    renameSync(temporary, path);
  } catch (error) {
    out.destroy();
    rmSync(temporary, { force: true });
    if (isNodeError(error)) throw new CommandError(`${path}: could not write it (${error.code ?? error.message})`);
    throw error;
  }
}
