import type { TableBadge, TableMissed, TableTier, TableTreatment } from './customer-table';

/**
 * The customer table's dictionaries (tiers, badges, treatments, missed follow-ups and their sets):
 * how an entry is told from another, and its code on first sight. One definition for the builder
 * and for a patch's merge of its dictionaries into the table's, so the two cannot part.
 */

export const entryKeys = {
  tier: (t: Pick<TableTier, 'ref' | 'label' | 'colour' | 'rank'>) => JSON.stringify([t.ref, t.label, t.colour, t.rank]),
  badge: (b: Pick<TableBadge, 'ref' | 'label' | 'colour'>) => JSON.stringify([b.ref, b.label, b.colour]),
  treatment: (t: Pick<TableTreatment, 'ref' | 'label'>) => JSON.stringify([t.ref, t.label]),
  // By ref alone: the rules make a missed follow-up afresh for each customer, its label one per rule.
  missed: (m: Pick<TableMissed, 'ref'>) => m.ref,
  set: (positions: readonly number[]) => positions.join(','),
  text: (text: string) => text,
};

/** An entry's code in a dictionary (`codes` by key, `list` in code order), adding it on first sight. */
export function codeIn<T>(codes: Map<string, number>, list: T[], key: string, value: T): number {
  let code = codes.get(key);
  if (code === undefined) {
    code = list.length;
    codes.set(key, code);
    list.push(value);
  }
  return code;
}
