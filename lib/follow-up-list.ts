import type { Channel } from './engine/rule-file';
import { countDue, mergeFollowUps, RECORD_KEYS, type DueTally, type FollowUpKeys, type FollowUpRecord, type FollowUpStatus } from './follow-ups';
import { print53 } from './hash';
import { isoDay } from './time';

/**
 * Every follow-up the whole rescore wrote, as typed columns: what grouping, ordering and counting
 * read of each (its status, days, channel, value, rule), its customer's and its own print, and
 * where its text lies in its bucket. At a million customers the shop has some 850,000 follow-ups,
 * 400 MB of text: the Follow-ups page, the popup and the count of those due read these columns
 * (about 60 bytes each) and parse only the text of the ones they show.
 */
export interface FollowUpList {
  entries: number;
  /** Rule refs and channels, by the codes in `ref` and `channel`. */
  refs: string[];
  channels: Channel[];
  customer: Float64Array;
  id: Float64Array;
  bucket: Uint16Array;
  /** The record's JSON is `json.slice(start, end)` of its bucket as the rescore wrote it. */
  start: Uint32Array;
  end: Uint32Array;
  ref: Uint16Array;
  channel: Uint16Array;
  status: Uint8Array;
  dueDay: Int32Array;
  /** NO_DAY where not snoozed. */
  snoozedUntilDay: Int32Array;
  /** NaN in records from before values were kept. */
  value: Float64Array;
  createdAt: Float64Array;
  updatedAt: Float64Array;
}

const RECORD_START = '{"id":';
const STATUSES: readonly FollowUpStatus[] = ['open', 'snoozed', 'done'];
const NO_DAY = -0x8000_0000;

/** An entry of the list (its index), or a record that lies over the list (staff's change, a rescore of the touched). */
export type FollowUpItem = number | FollowUpRecord;

type Columns = Omit<FollowUpList, 'entries' | 'refs' | 'channels'>;
const COLUMNS = {
  customer: Float64Array, id: Float64Array, bucket: Uint16Array, start: Uint32Array, end: Uint32Array, ref: Uint16Array, channel: Uint16Array,
  status: Uint8Array, dueDay: Int32Array, snoozedUntilDay: Int32Array, value: Float64Array, createdAt: Float64Array, updatedAt: Float64Array,
} as const;

/** Makes the list as the whole rescore writes each bucket of follow-ups. */
export class FollowUpListBuilder {
  private size = 0;
  private columns = FollowUpListBuilder.allocate(4096);
  private readonly refs = new Map<string, number>();
  private readonly channels = new Map<Channel, number>();

  private static allocate(length: number): Columns {
    return Object.fromEntries(Object.entries(COLUMNS).map(([name, Type]) => [name, new Type(length)])) as unknown as Columns;
  }

  /**
   * A bucket's follow-ups as the text to store (JSON.stringify of the map), each one's place in it
   * noted. Where they are what the bucket already holds (`stored`, its text and what it parses to),
   * as in most buckets on most days, its text is kept as it is: made again, a million customers'
   * came to some 240 million characters, the rescore's largest single cost after the puts.
   */
  text(bucket: number, merged: Record<string, FollowUpRecord>, stored?: { json: string; records: Record<string, FollowUpRecord> }): string {
    if (stored && sameRecords(merged, stored.records)) return this.placed(bucket, stored.json, stored.records);
    return this.placed(bucket, JSON.stringify(merged), merged);
  }

  /** Notes where each record of `map` lies in `json`, its text, and returns it. */
  private placed(bucket: number, json: string, map: Record<string, FollowUpRecord>): string {
    const records = Object.values(map);
    // Each record's text starts `{"id":`, which no string in the text holds (its quotes are
    // escaped), and ends at the last `},"` before the next one's key (a key holds no bare quote).
    // Found so rather than by stringifying each record: 4 times slower over a million.
    const starts: number[] = [];
    for (let at = json.indexOf(RECORD_START); at !== -1; at = json.indexOf(RECORD_START, at + RECORD_START.length)) starts.push(at);
    if (starts.length !== records.length) return this.textByRecord(bucket, map);
    records.forEach((record, k) => this.add(bucket, record, starts[k]!, k + 1 < starts.length ? json.lastIndexOf('},"', starts[k + 1]) + 1 : json.length - 1));
    return json;
  }

  /** The same, each record stringified on its own: for records whose id is not their first field (none this release writes). */
  private textByRecord(bucket: number, merged: Record<string, FollowUpRecord>): string {
    const parts: string[] = [];
    let at = 1;
    for (const [id, record] of Object.entries(merged)) {
      const name = JSON.stringify(id);
      const body = JSON.stringify(record);
      if (parts.length > 0) at += 1;
      at += name.length + 1;
      this.add(bucket, record, at, at + body.length);
      at += body.length;
      parts.push(`${name}:${body}`);
    }
    return `{${parts.join(',')}}`;
  }

  /** Adds the entries of a list made by another builder (a part of the rescore scored on another thread) after these. */
  append(list: FollowUpList): void {
    const refs = list.refs.map((ref) => codeOf(this.refs, ref));
    const channels = list.channels.map((channel) => codeOf(this.channels, channel));
    this.reserve(this.size + list.entries);
    const c = this.columns;
    for (const name of Object.keys(COLUMNS) as Array<keyof Columns>) (c[name] as Float64Array).set(list[name] as Float64Array, this.size);
    for (let i = 0; i < list.entries; i += 1) {
      c.ref[this.size + i] = refs[list.ref[i]!]!;
      c.channel[this.size + i] = channels[list.channel[i]!]!;
    }
    this.size += list.entries;
  }

  finish(): FollowUpList {
    const columns = Object.fromEntries(Object.entries(this.columns).map(([name, column]) => [name, (column as Float64Array).slice(0, this.size)])) as unknown as Columns;
    return { entries: this.size, refs: [...this.refs.keys()], channels: [...this.channels.keys()], ...columns };
  }

  /** Room for `size` entries. */
  private reserve(size: number): void {
    if (size <= this.columns.customer.length) return;
    const grown = FollowUpListBuilder.allocate(Math.max(size, this.columns.customer.length * 2));
    for (const name of Object.keys(COLUMNS) as Array<keyof Columns>) (grown[name] as Float64Array).set(this.columns[name] as Float64Array);
    this.columns = grown;
  }

  private add(bucket: number, record: FollowUpRecord, start: number, end: number): void {
    this.reserve(this.size + 1);
    const c = this.columns;
    const i = this.size;
    this.size += 1;
    c.customer[i] = print53(record.customerKey);
    c.id[i] = print53(record.id);
    c.bucket[i] = bucket;
    c.start[i] = start;
    c.end[i] = end;
    c.ref[i] = codeOf(this.refs, record.ref);
    c.channel[i] = codeOf(this.channels, record.channel);
    c.status[i] = STATUSES.indexOf(record.status);
    c.dueDay[i] = record.dueDay;
    c.snoozedUntilDay[i] = record.snoozedUntilDay ?? NO_DAY;
    c.value[i] = record.value ?? NaN;
    c.createdAt[i] = record.createdAt;
    c.updatedAt[i] = record.updatedAt;
  }
}

/** Whether two buckets' follow-ups are the same JSON values, whatever the order of their fields (a field left undefined is none). */
function sameRecords(a: Record<string, FollowUpRecord>, b: Record<string, FollowUpRecord>): boolean {
  const ids = Object.keys(a);
  if (ids.length !== Object.keys(b).length) return false;
  return ids.every((id) => id in b && sameValue(a[id], b[id]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const defined = (o: Record<string, unknown>) => Object.keys(o).filter((key) => o[key] !== undefined);
  const keys = defined(x);
  return keys.length === defined(y).length && keys.every((key) => sameValue(x[key], y[key]));
}

function codeOf<T>(codes: Map<T, number>, value: T): number {
  let code = codes.get(value);
  if (code === undefined) codes.set(value, (code = codes.size));
  return code;
}

/** What grouping reads of an entry of `list` or of a record over it. */
export function listKeys(list: FollowUpList): FollowUpKeys<FollowUpItem> {
  const r = RECORD_KEYS;
  return {
    status: (x) => (typeof x === 'number' ? STATUSES[list.status[x]!]! : r.status(x)),
    snoozedUntilDay: (x) => (typeof x === 'number' ? untilOf(list, x) : r.snoozedUntilDay(x)),
    dueDay: (x) => (typeof x === 'number' ? list.dueDay[x]! : r.dueDay(x)),
    channel: (x) => (typeof x === 'number' ? list.channels[list.channel[x]!]! : r.channel(x)),
    value: (x) => (typeof x === 'number' ? valueOf(list, x) : r.value(x)),
    updatedAt: (x) => (typeof x === 'number' ? list.updatedAt[x]! : r.updatedAt(x)),
    ref: (x) => (typeof x === 'number' ? list.refs[list.ref[x]!]! : r.ref(x)),
    customer: (x) => (typeof x === 'number' ? list.customer[x]! : r.customer(x)),
    id: (x) => (typeof x === 'number' ? list.id[x]! : r.id(x)),
  };
}

const untilOf = (list: FollowUpList, i: number) => (list.snoozedUntilDay[i] === NO_DAY ? null : list.snoozedUntilDay[i]!);
const valueOf = (list: FollowUpList, i: number) => {
  const value = list.value[i]!;
  return Number.isNaN(value) ? 0 : value;
};

/** Entries visited between pauses: some 20 ms of a page's work. */
const PAUSE_EVERY = 65_536;

/** A rescored customer as the list's readers need them: what the rules raise now, as of the day they were scored. */
export interface RaisedOver {
  profile: { asOfDay: number };
  raised: readonly FollowUpRecord[];
}

/**
 * Each follow-up as staff work them, once: the list's entries, with what staff changed since
 * (`worked`, by id) and the customers a rescore of the touched found since (`layer`) over them. A
 * rescored customer's follow-ups are merged as `mergeFollowUps` merges a bucket: an entry stands
 * for itself where the merge keeps it as it was. `pause` lets a page paint between slices of entries.
 */
export async function eachFollowUp(list: FollowUpList, worked: readonly FollowUpRecord[], layer: ReadonlyMap<string, RaisedOver>, visit: (item: FollowUpItem) => void, pause?: () => Promise<void>): Promise<void> {
  const layered = new Map<number, string>();
  for (const key of layer.keys()) layered.set(print53(key), key);
  const workedIds = new Set(worked.map((record) => print53(record.id)));
  const own = new Map<string, { entries: number[]; worked: FollowUpRecord[] }>();
  const ownOf = (key: string) => {
    let found = own.get(key);
    if (!found) own.set(key, (found = { entries: [], worked: [] }));
    return found;
  };
  for (let i = 0; i < list.entries; i += 1) {
    if (pause && i % PAUSE_EVERY === PAUSE_EVERY - 1) await pause();
    const key = layered.size > 0 ? layered.get(list.customer[i]!) : undefined;
    if (key !== undefined) ownOf(key).entries.push(i);
    else if (!workedIds.has(list.id[i]!)) visit(i);
  }
  for (const record of worked) {
    if (layer.has(record.customerKey)) ownOf(record.customerKey).worked.push(record);
    else visit(record);
  }
  for (const [key, { profile, raised }] of layer) {
    const { entries, worked: theirs } = own.get(key) ?? { entries: [], worked: [] };
    const raisedIds = new Map(raised.map((record) => [print53(record.id), record.id]));
    const theirIds = new Set(theirs.map((record) => print53(record.id)));
    const previous: Record<string, FollowUpRecord> = {};
    const entryOf = new Map<FollowUpRecord, number>();
    for (const i of entries) {
      if (theirIds.has(list.id[i]!)) continue;
      // Keyed as the raised one it is, else by its place: the merge only asks whether it is raised.
      const stub = stubOf(list, i, raisedIds.get(list.id[i]!) ?? `#${i}`);
      previous[stub.id] = stub;
      entryOf.set(stub, i);
    }
    for (const record of theirs) previous[record.id] = record;
    const merged = mergeFollowUps(previous, Object.fromEntries(raised.map((record) => [record.id, record])), profile.asOfDay);
    for (const record of Object.values(merged)) visit(entryOf.get(record) ?? record);
  }
}

/** What the merge reads of an entry that was raised before: what staff did with it and when it was first due. */
function stubOf(list: FollowUpList, i: number, id: string): FollowUpRecord {
  const dueDay = list.dueDay[i]!;
  return { id, status: STATUSES[list.status[i]!]!, snoozedUntilDay: untilOf(list, i), createdAt: list.createdAt[i]!, updatedAt: list.updatedAt[i]!, dueDay, due: isoDay(dueDay) } as FollowUpRecord;
}

/** The follow-ups still to work counted by due day, and the open ones, over the list (see `eachFollowUp`). */
export async function dueOfList(list: FollowUpList, worked: readonly FollowUpRecord[], layer: ReadonlyMap<string, RaisedOver>): Promise<{ due: DueTally; open: number }> {
  const due: DueTally = { id: 'dueTally', counts: {} };
  let open = 0;
  const scratch = { status: 'open' as FollowUpStatus, dueDay: 0, snoozedUntilDay: null as number | null };
  await eachFollowUp(list, worked, layer, (item) => {
    if (typeof item === 'number') {
      scratch.status = STATUSES[list.status[item]!]!;
      scratch.dueDay = list.dueDay[item]!;
      scratch.snoozedUntilDay = untilOf(list, item);
      item = scratch as FollowUpRecord;
    }
    countDue(due, item, 1);
    if (item.status === 'open') open += 1;
  });
  return { due, open };
}

/**
 * An entry's record from its bucket's text: the slice the list noted, else (staff changed the
 * bucket since, which moves the text) the bucket parsed. Undefined when the bucket no longer holds it.
 */
export function recordOfEntry(list: FollowUpList, i: number, json: string | undefined, parsed: () => Record<string, FollowUpRecord>): FollowUpRecord | undefined {
  const id = list.id[i]!;
  if (json !== undefined) {
    try {
      const record = JSON.parse(json.slice(list.start[i], list.end[i])) as FollowUpRecord;
      if (typeof record?.id === 'string' && print53(record.id) === id) return record;
    } catch {
      // Moved: read below.
    }
  }
  return Object.values(parsed()).find((record) => print53(record.id) === id);
}
