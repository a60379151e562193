import Papa from 'papaparse';
import { InputError } from '../import/encoding';
import { both } from '../localised';
import type { RepeatSummary } from '../../plugins/scorers/bgnbd';
import type { SpendSummary } from '../../plugins/scorers/gamma-gamma';

export type TimeUnit = 'day' | 'week';

/** A customer as the models see them: repeats, last repeat, age, and mean repeat spend (when known). */
export interface ModelSummary extends RepeatSummary {
  m: number | null;
}

const COLUMN_SETS = [
  { x: 'frequency', tx: 'recency', T: 'T', m: 'monetary_value' },
  { x: 'x', tx: 't_x', T: 'T', m: 'zbar' },
] as const;

/**
 * Reads a per-customer summary file, the form published data sets come in: columns
 * `frequency,recency,T[,monetary_value]` or `x,t_x,T,zbar`, any other columns (an id) ignored.
 */
export function readSummary(text: string): ModelSummary[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  const header = parsed.meta.fields ?? [];
  const names = COLUMN_SETS.find((set) => header.includes(set.x) && header.includes(set.tx) && header.includes(set.T));
  if (!names) throw new InputError(both(`expected columns frequency,recency,T[,monetary_value] or x,t_x,T,zbar; found ${header.join(', ')}`, `应有 frequency,recency,T[,monetary_value] 或 x,t_x,T,zbar 列；文件的列是 ${header.join(', ')}`));
  return parsed.data.map((row, i) => {
    const number = (column: string) => {
      const value = Number(row[column]);
      if (row[column] === undefined || row[column] === '' || !Number.isFinite(value) || value < 0) {
        const cell = row[column] ?? '';
        throw new InputError(both(`row ${i + 2}, column ${column}: expected a number ≥ 0, got "${cell}"`, `第 ${i + 2} 行 ${column} 列：应为 ≥ 0 的数字，实际是 "${cell}"`));
      }
      return value;
    };
    const summary = { x: number(names.x), tx: number(names.tx), T: number(names.T), m: header.includes(names.m) ? number(names.m) : null };
    if (summary.tx > summary.T) throw new InputError(both(`row ${i + 2}: ${names.tx} (${summary.tx}) is after ${names.T} (${summary.T})`, `第 ${i + 2} 行：${names.tx}（${summary.tx}）大于 ${names.T}（${summary.T}）`));
    return summary;
  });
}

/** A customer's occasions (local day numbers) and spend (major units) up to a calibration day, in a unit. */
export function summariseOccasions(days: readonly number[], spend: readonly number[], calibrationDay: number, unit: TimeUnit): ModelSummary | null {
  const keep = days.map((day, i) => [day, spend[i]!] as const).filter(([day]) => day <= calibrationDay);
  if (keep.length === 0) return null;
  const scale = unit === 'week' ? 7 : 1;
  const first = keep[0]![0];
  const repeats = keep.slice(1);
  return {
    x: repeats.length,
    tx: (keep[keep.length - 1]![0] - first) / scale,
    T: (calibrationDay - first) / scale,
    m: repeats.length > 0 ? repeats.reduce((sum, [, value]) => sum + value, 0) / repeats.length : null,
  };
}

export const spendRows = (rows: readonly ModelSummary[]): SpendSummary[] =>
  rows.filter((row): row is ModelSummary & { m: number } => row.x > 0 && row.m !== null && row.m > 0).map(({ x, m }) => ({ x, m }));
