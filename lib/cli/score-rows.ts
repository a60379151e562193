import { scorers } from '../../plugins/scorers';
import { ruleSetsByCurrency } from '../engine/currency';
import { outcomeOf, type Outcome } from '../engine/outcome';
import { defaultRegistry } from '../engine/registry';
import type { RuleFile } from '../engine/rule-file';
import type { TallyColumns } from '../customers';
import type { Customer } from '../model';
import { formatMajor, minorDigits } from '../money';
import { scoreCustomer } from '../scoring/pipeline';
import type { CustomerHistory, Facts, FactValue, ScoreContext } from '../scoring/scorer';
import { daysBetween, toIsoInZone } from '../time';

export const SCORE_COLUMNS = [
  'customerKey', 'platform', 'orderCount', 'monetary', 'currency', 'firstOrderAt', 'lastOrderAt', 'recencyDays',
  'frequency', 'avgOrderValue', 'rfmR', 'rfmF', 'rfmM', 'rfmCode', 'repurchaseCycleDays', 'pAlive', 'expectedPurchases90d',
  'predictedClv365', 'churnRisk', 'lifecycleStage', 'valueQuadrant', 'tier', 'badges', 'treatments', 'followUps',
];
export const OUTCOME_COLUMNS = SCORE_COLUMNS.slice(-4);
/** The columns that come from the scorers. */
export const FACT_COLUMNS = SCORE_COLUMNS.slice(8, -4);

/**
 * What writing a customer's row takes, all of it plain data: the command's own thread and the
 * threads that score a big file's rows each make their rows from it.
 */
export interface RowSetup {
  columns: readonly string[];
  lang: 'en' | 'zh-CN';
  format: 'csv' | 'json';
  /** The fitted models with the day and zone; null when no column needs a scorer. */
  ctx: ScoreContext | null;
  /** The shop's time zone and the as-of moment, for the dates and recency. */
  zone: string;
  asOf: number;
  asOfDay: number;
  /** The rule files, and by currency the tables whose amounts do not fit the shop; null when no column needs the rules. */
  ruleFiles: RuleFile[] | null;
  unfit: Record<string, string[]>;
}

/**
 * A run of customers for a thread (score-thread.ts) to write rows of: the i-th one's tallies, and
 * history entries at `offsets[i]` to `offsets[i + 1]` (three numbers an order). Declared here: the
 * thread's module starts listening as soon as it is imported.
 */
export interface RowBatch {
  index: number;
  tallies: TallyColumns;
  offsets: Uint32Array;
  entries: Float64Array;
}

export type RowBatchDone = { index: number; text: string } | { index: number; error: string };

type OutputRow = Record<string, string | number | boolean>;
type Cell = (customer: Customer, facts: Facts, outcome: OutputRow) => string | number | boolean;

/** The outcome columns' cells: labels in one language, lists joined by ";". */
function outcomeCells(outcome: Outcome, lang: RowSetup['lang']): OutputRow {
  return {
    tier: outcome.tier?.label[lang] ?? '',
    badges: outcome.badges.map((b) => b.label[lang]).join(';'),
    treatments: outcome.treatments.map((t) => t.label[lang]).join(';'),
    followUps: outcome.followUps.map((f) => `${f.label[lang]} (${f.due})`).join(';'),
  };
}

/**
 * Makes the text of customers' rows, as the output file has it: CSV lines, or JSON objects each on
 * a line of its own, indented, joined by ",\n" (the caller puts the brackets and the separators
 * between batches).
 */
export function rowMaker(setup: RowSetup) {
  const { columns, lang, ctx, zone, asOf, asOfDay, ruleFiles, unfit } = setup;
  // Only the columns asked for are worked out: a million customers make every cell count.
  const cells: Record<string, Cell> = {
    customerKey: (c) => c.buyerId,
    platform: (c) => c.platform,
    orderCount: (c) => c.orderCount,
    monetary: (c) => formatMajor(c.monetaryMinor, c.currency),
    currency: (c) => c.currency,
    firstOrderAt: (c) => toIsoInZone(c.firstOrderAt, zone),
    lastOrderAt: (c) => toIsoInZone(c.lastOrderAt, zone),
    recencyDays: (c) => daysBetween(c.lastOrderAt, asOf, zone),
    ...Object.fromEntries(FACT_COLUMNS.map((name) => [name, (c: Customer, facts: Facts) => factCell(name, facts[name] ?? null, c.currency)])),
    ...Object.fromEntries(OUTCOME_COLUMNS.map((name) => [name, (_c: Customer, _f: Facts, outcome: OutputRow) => outcome[name]!])),
  };
  const columnCells = columns.map((name) => cells[name]!);
  const ruleSetFor = ruleFiles ? ruleSetsByCurrency(ruleFiles, defaultRegistry(), (currency) => new Set(unfit[currency] ?? [])) : null;
  const rowText =
    setup.format === 'json'
      ? (row: Array<string | number | boolean>) => `  ${JSON.stringify(Object.fromEntries(columns.map((name, i) => [name, row[i]])))}`
      : (row: Array<string | number | boolean>) => `${row.map(csvCell).join(',')}\n`;
  const separator = setup.format === 'json' ? ',\n' : '';

  /** The rows of `customers`, in the order given; `historyOf(i)` is the i-th customer's history (unused without models). */
  return async function rowsText(customers: readonly Customer[], historyOf: (i: number) => CustomerHistory): Promise<string> {
    const rows: string[] = [];
    for (let i = 0; i < customers.length; i += 1) {
      const customer = customers[i]!;
      const facts = ctx ? scoreCustomer(historyOf(i), ctx) : {};
      const rules = ruleSetFor?.(customer.currency);
      // Compiled rules answer at once: not an await per row.
      const fired = rules ? (rules.compiled ? rules.firedSync(facts) : await rules.fired(facts)) : [];
      const outcome = rules ? outcomeCells(outcomeOf(fired, facts, customer.key, asOfDay), lang) : {};
      rows.push(rowText(columnCells.map((cell) => cell(customer, facts, outcome))));
    }
    return rows.join(separator);
  };
}

const MONEY_FACTS = new Set(scorers.flatMap((scorer) => Object.entries(scorer.facts).filter(([, spec]) => spec.unit === 'money').map(([name]) => name)));

/** A fact as written out: money with the currency's decimals, unknown as empty. */
function factCell(name: string, value: FactValue, currency: string): string | number | boolean {
  if (value === null) return '';
  return MONEY_FACTS.has(name) && typeof value === 'number' ? value.toFixed(minorDigits(currency)) : value;
}

/**
 * A cell as Excel reads it: text that starts like a formula (= + - @, a tab or CR) gets a leading
 * apostrophe, as the dashboard's export does; numbers, written as numbers or as plain decimals, stay numbers.
 */
export function csvCell(value: string | number | boolean): string {
  // A number or a boolean never needs either: about half the cells of a million rows.
  if (typeof value !== 'string') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
