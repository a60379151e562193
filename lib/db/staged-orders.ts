import type { BuyerIds, LineItem, Order, OrderStatus, Platform } from '../model';
import type { Continuation } from '../import/fold';
import { textOfUtf8, utf8Of } from './buckets';

/**
 * A batch of staged orders packed into columns: every text joined with the rest, with its length;
 * every number in one Float64Array; and the few texts most orders share (platform, status,
 * currency, import) as words. A million-customer import stages some 1.7 million orders; as JSON, Chromium spent 28 s
 * turning them into text and 13 s storing its 1.1 GB.
 */
export interface PackedOrders {
  count: number;
  words: string[];
  /** Each text's length in UTF-16 units, ABSENT for a field the order lacks (a null customer key too). */
  lengths: ArrayBuffer;
  /** The texts one after another: as a string where every character is Latin-1, else as UTF-8 (see utf8Of). */
  text: string | Uint8Array;
  numbers: ArrayBuffer;
}

export interface StagedBatch {
  importId: string;
  group: number;
  seq: number;
  /** The batch's orders (see PackedOrders). */
  packed?: PackedOrders;
  /** Where an earlier release staged them: JSON of the orders. */
  json?: string;
}

/** An order as staged, with the file's rows it came from (to reject them together if the commit must). */
export type StagedOrder = { order: Order; continuation: Continuation | null; rows?: number[] };

const ABSENT = 0xffffffff;
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;
const PAID = 1;
const DELIVERED = 2;
const RETURN = 4;
const NO_ROWS = -1;
const CONTINUATIONS: ReadonlyArray<Continuation | null> = [null, 'items', 'sum'];

class Column<T extends Float64Array | Uint32Array> {
  length = 0;
  constructor(public values: T) {}
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new (this.values.constructor as new (size: number) => T)(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  buffer(): ArrayBuffer {
    return this.values.buffer.slice(0, this.length * this.values.BYTES_PER_ELEMENT) as ArrayBuffer;
  }
}

/** Every field of every order, in columns (stored-orders.ts checks that both codecs know each field). */
export function packOrders(parts: readonly StagedOrder[]): PackedOrders {
  const words: string[] = [];
  const wordAt = new Map<string, number>();
  const word = (text: string) => {
    let at = wordAt.get(text);
    if (at === undefined) wordAt.set(text, (at = words.push(text) - 1));
    return at;
  };
  const texts: string[] = [];
  const lengths = new Column(new Uint32Array(parts.length * 12 + 16));
  const numbers = new Column(new Float64Array(parts.length * 12 + 16));
  const text = (value: string | null | undefined) => {
    if (value === null || value === undefined) lengths.push(ABSENT);
    else {
      texts.push(value);
      lengths.push(value.length);
    }
  };
  for (const { order, continuation, rows } of parts) {
    const { buyer } = order;
    text(order.key);
    text(order.orderId);
    text(order.customerKey);
    text(buyer.id);
    text(buyer.email);
    text(buyer.name);
    text(buyer.phone);
    text(buyer.birthday);
    text(order.externalId);
    numbers.push((order.paidAt !== undefined ? PAID : 0) | (order.deliveredAt !== undefined ? DELIVERED : 0) | (order.isReturn ? RETURN : 0));
    numbers.push(order.createdAt);
    if (order.paidAt !== undefined) numbers.push(order.paidAt);
    if (order.deliveredAt !== undefined) numbers.push(order.deliveredAt);
    numbers.push(order.totalMinor);
    numbers.push(order.refundedMinor);
    numbers.push(word(order.platform));
    numbers.push(word(order.status));
    numbers.push(word(order.currency));
    numbers.push(word(order.importId));
    numbers.push(CONTINUATIONS.indexOf(continuation));
    numbers.push(order.items.length);
    for (const item of order.items) {
      text(item.sku);
      text(item.title);
      numbers.push(item.quantity);
      numbers.push(item.priceMinor);
    }
    numbers.push(rows ? rows.length : NO_ROWS);
    if (rows) for (const row of rows) numbers.push(row);
  }
  const joined = texts.join('');
  return { count: parts.length, words, lengths: lengths.buffer(), text: BEYOND_LATIN1.test(joined) ? utf8Of([joined]) : joined, numbers: numbers.buffer() };
}

/** The orders as `packOrders` had them, each object's fields in the order the import folds them. */
export function unpackOrders(packed: PackedOrders): StagedOrder[] {
  const { words } = packed;
  const all = typeof packed.text === 'string' ? packed.text : textOfUtf8(packed.text);
  const lengths = new Uint32Array(packed.lengths);
  const numbers = new Float64Array(packed.numbers);
  let textAt = 0;
  let lengthAt = 0;
  let at = 0;
  const text = (): string | undefined => {
    const length = lengths[lengthAt++]!;
    if (length === ABSENT) return undefined;
    const value = all.slice(textAt, textAt + length);
    textAt += length;
    return value;
  };
  const parts: StagedOrder[] = [];
  for (let n = 0; n < packed.count; n += 1) {
    const key = text()!;
    const orderId = text()!;
    const customerKey = text() ?? null;
    // As the fold makes them: every buyer field and both optional instants are there, undefined when absent.
    const buyer: BuyerIds = { id: text(), email: text(), name: text(), phone: text(), birthday: text() };
    const externalId = text();
    const flags = numbers[at++]!;
    const createdAt = numbers[at++]!;
    const paidAt = flags & PAID ? numbers[at++]! : undefined;
    const deliveredAt = flags & DELIVERED ? numbers[at++]! : undefined;
    const totalMinor = numbers[at++]!;
    const refundedMinor = numbers[at++]!;
    const platform = words[numbers[at++]!] as Platform;
    const status = words[numbers[at++]!] as OrderStatus;
    const currency = words[numbers[at++]!]!;
    const importId = words[numbers[at++]!]!;
    const continuation = CONTINUATIONS[numbers[at++]!]!;
    const items: LineItem[] = [];
    for (let count = numbers[at++]!; count > 0; count -= 1) {
      const sku = text()!;
      const title = text()!;
      items.push({ sku, title, quantity: numbers[at++]!, priceMinor: numbers[at++]! });
    }
    const rowCount = numbers[at++]!;
    const rows = rowCount === NO_ROWS ? undefined : Array.from(numbers.subarray(at, (at += rowCount)));
    const order: Order = { key, platform, orderId, customerKey, buyer, createdAt, paidAt, deliveredAt, status, totalMinor, refundedMinor, currency, isReturn: (flags & RETURN) !== 0, items, importId };
    if (externalId !== undefined) order.externalId = externalId;
    parts.push(rows ? { order, continuation, rows } : { order, continuation });
  }
  return parts;
}

/** A staged batch's orders: packed, or as JSON where an earlier release staged them. */
export const stagedOrdersOf = (batch: StagedBatch): StagedOrder[] => (batch.packed ? unpackOrders(batch.packed) : (JSON.parse(batch.json!) as StagedOrder[]));
