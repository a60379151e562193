import type { KeptDate } from '../model';
import { monthDayOf } from '../dates';
import type { Database } from './schema';
import { stageStoredCustomer } from './touched';

export async function keptDatesOf(db: Database, customerKey: string): Promise<KeptDate[]> {
  return (await db.get('keptDates', customerKey))?.dates ?? [];
}

/** Every customer's kept dates: few customers have any, so the rescore reads them whole. */
export async function allKeptDates(db: Database): Promise<Map<string, KeptDate[]>> {
  return new Map((await db.getAll('keptDates')).map((record) => [record.key, record.dates]));
}

/** A date as the seller typed it, checked: a name and a yearly date; the problem in words otherwise. */
export function keptDate(name: string, text: string): KeptDate | { problem: 'name' | 'date' } {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 40) return { problem: 'name' };
  const monthDay = monthDayOf(text);
  return monthDay ? { name: trimmed, monthDay } : { problem: 'date' };
}

/** Replaces a customer's kept dates; one date per name. */
export async function setKeptDates(db: Database, customerKey: string, dates: readonly KeptDate[]): Promise<void> {
  const byName = new Map(dates.map((date) => [date.name, date]));
  if (byName.size === 0) await db.delete('keptDates', customerKey);
  else await db.put('keptDates', { key: customerKey, dates: [...byName.values()] });
  // Rules read kept dates: the customer is rescored with the touched.
  await stageStoredCustomer(db, customerKey);
}
