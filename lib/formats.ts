import type { BuyerIds, OrderLine, Platform } from './model';
import type { DateParser } from './dates';
import type { NumberColumns } from './import/numbers';
import { SellerError, type Localised } from './localised';

export type FormatId = 'taobao' | 'jd' | 'douyin' | 'shopify' | 'woocommerce' | 'amazon' | 'etsy' | 'ebay' | 'invoices' | 'generic';


/** A row the format refuses, with the reason a seller can act on. */
export interface RowRejection {
  reject: Localised;
}

/** A line an export adds around its orders (eBay's "4 record(s) downloaded" footer): not a row of the file's data. */
export interface NotAnOrder {
  notAnOrder: string;
  /** The number of records the line says the file holds, to check against the rows read. */
  records?: number;
}

export type RowResult = OrderLine | RowRejection | NotAnOrder;

export function isRejection(result: RowResult): result is RowRejection {
  return 'reject' in result;
}

export function isNotAnOrder(result: RowResult): result is NotAnOrder {
  return 'notAnOrder' in result;
}

/** Fields a seller maps for the generic format; `price` is a unit price multiplied by `quantity`. */
export const MAPPABLE_FIELDS = ['customer', 'order', 'date', 'amount', 'price', 'currency', 'status', 'item', 'quantity', 'birthday'] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
/** Field → header name, or 1-based column position as text when the file has no header. */
export type ColumnMapping = Partial<Record<MappableField, string>>;

export interface FormatOptions {
  timeZone: string;
  currency: string;
  parseDate: DateParser;
  mapping: ColumnMapping;
  hasHeader: boolean;
  /** Each number column's decimal mark, shared by the format's readers and reported by the import. */
  numbers?: NumberColumns;
  /** The latest plausible order date (the as-of day or today, plus a day); later dates are refused. */
  latestDate?: number;
  /** The shop takes cash on delivery: an order shipped before it was paid is a purchase (default), not an unpaid order. */
  cashOnDelivery?: boolean;
}

/** Looks columns up by header name: trimmed, case-insensitive, quotes and BOM removed. */
export class Columns {
  private readonly byName = new Map<string, number>();
  /** Columns whose name an earlier column already has: [the column used, the one left unread]. */
  readonly repeated: Array<[number, number]> = [];
  constructor(readonly header: readonly string[]) {
    header.forEach((name, index) => {
      const key = normaliseHeader(name);
      const first = this.byName.get(key);
      if (first === undefined) this.byName.set(key, index);
      else if (key !== '') this.repeated.push([first, index]);
    });
  }
  /** The index of the first of `names` present, or -1. */
  find(...names: string[]): number {
    for (const name of names) {
      const index = this.byName.get(normaliseHeader(name));
      if (index !== undefined) return index;
    }
    return -1;
  }
  has(...names: string[]): boolean {
    return this.find(...names) >= 0;
  }
  count(...names: string[]): number {
    return names.filter((name) => this.has(name)).length;
  }
}

/** A column as a spreadsheet names it: 1 → A, 27 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export function normaliseHeader(name: string): string {
  return name.replace(/^\uFEFF/, '').replace(/^="?|"$/g, '').trim().toLowerCase();
}

/** Thrown when the header lacks what the format needs; the message names the columns. */
export class FormatError extends SellerError {}

export interface RowMapper {
  (row: readonly string[]): RowResult;
}

export interface OrderFormat {
  id: FormatId;
  title: Localised;
  platform: Platform;
  /** Shop defaults for exports that do not say (Taobao, JD and Douyin are China time, in CNY). */
  defaultTimeZone?: string;
  defaultCurrency?: string;
  /** Date columns whose pattern is read from their values (as for a mapped table), by header name. */
  datesToInfer?: readonly string[];
  /** How sure the header makes us that this is the format: 0 (no) to 1. */
  detect(columns: Columns): number;
  /** Builds the row mapper; throws FormatError when a needed column is missing. */
  mapper(columns: Columns, options: FormatOptions): RowMapper;
  /** The buyer identifier the customer key is built from, or undefined when the row has none. */
  customerId(buyer: BuyerIds): string | undefined;
  /** The statuses the format reads as cash on delivery when the shop takes it, in the export's words; absent when it has none. */
  cashOnDelivery?: Localised;
  /** Said to the seller when the header cannot tie orders to customers (Amazon All Orders, the Tmall report). */
  buyerWarning?(columns: Columns, options: FormatOptions): Localised | null;
}

/** Identity helper for typing, like WXT's define* helpers. */
export function defineOrderFormat(format: OrderFormat): OrderFormat {
  return format;
}

/** Cell text without the Excel guards exports add: `="123"`, a leading tab or apostrophe, padding. */
export function cleanCell(cell: string | undefined): string {
  if (cell === undefined) return '';
  let text = cell;
  if (text.startsWith('="') && text.endsWith('"')) text = text.slice(2, -1);
  text = text.trim();
  if (text.startsWith("'")) text = text.slice(1);
  return text;
}

/** Reads a cell by column index; -1 (absent column) reads as empty. */
export function cellAt(row: readonly string[], index: number): string {
  return index < 0 ? '' : cleanCell(row[index]);
}

/** A masked value (张**, 138****1234) identifies nobody and is not used as a key. */
export function isMasked(value: string): boolean {
  return /\*{2,}/.test(value);
}

/** Email, else unmasked phone, else undefined: the stable identifiers after a platform id. */
export function emailOrPhone(buyer: BuyerIds): string | undefined {
  if (buyer.email) return buyer.email.toLowerCase();
  if (buyer.phone && !isMasked(buyer.phone)) return buyer.phone.replace(/[^\d+]/g, '');
  return undefined;
}

/** Parses a quantity cell; empty means 1 for exports that omit it. */
export function parseQuantity(cell: string): number | null {
  if (cell === '') return 1;
  const value = Number(cell.replace(/,/g, ''));
  return Number.isFinite(value) ? value : null;
}
