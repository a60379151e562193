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

/** A column of codes as the table reads it: 8, 16 or 32 bits a row. */
export type CodeColumn = Uint8Array | Uint16Array | Uint32Array;

/**
 * A column of codes stored in as few bytes a row as its largest code needs: most of a shop's code
 * columns (tier, badge set, currency, shop, a text fact) hold a few hundred values at most, and a
 * million rows of them were 4 MB each at 32 bits, read by every rescore of the touched.
 */
export function narrowCodes(codes: Uint32Array): CodeColumn {
  let largest = 0;
  for (let row = 0; row < codes.length; row += 1) if (codes[row]! > largest) largest = codes[row]!;
  return largest < 0x100 ? Uint8Array.from(codes) : largest < 0x1_0000 ? Uint16Array.from(codes) : codes;
}

/** A stored column of codes over `rows` rows: its width told by its length (a table from before narrow columns has 32 bits a row). */
export function codesOf(bytes: ArrayBuffer, rows: number): CodeColumn {
  if (rows > 0 && bytes.byteLength === rows) return new Uint8Array(bytes);
  if (rows > 0 && bytes.byteLength === rows * 2) return new Uint16Array(bytes);
  return new Uint32Array(bytes);
}
