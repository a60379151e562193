/**
 * How the customer table stores a number fact: whole numbers of `bits` counting 1/`scale` each,
 * where every value of the column is exact so, else floats of 32 or 64 bits. The narrowest that
 * holds them all: days and quintiles take one or two bytes a customer and money in cents four,
 * where floats took four and eight. At a million customers the columns were some 180 MB, held by
 * the rescore to its end and copied on its thread to be stored.
 */
export type NumberCoding = { bits: 32 | 64; scale?: undefined } | { bits: 8 | 16 | 32; scale: number };

/** Narrowest first, then coarsest: the first that holds every value is the column's. */
const CODINGS: readonly NumberCoding[] = [
  ...[1, 10, 100].map((scale) => ({ bits: 8 as const, scale })),
  ...[1, 10, 100, 1000, 10_000].map((scale) => ({ bits: 16 as const, scale })),
  ...[1, 10, 100, 1000, 10_000].map((scale) => ({ bits: 32 as const, scale })),
  { bits: 32 },
  { bits: 64 },
];

type Stored = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** The largest whole number a coding holds; its negative is the lowest, and one below that is unknown (NaN). */
const largest = (bits: number) => 2 ** (bits - 1) - 1;

const storedOf = (coding: NumberCoding, n: number | ArrayBuffer): Stored => {
  const from = n as number & ArrayBuffer;
  if (coding.scale === undefined) return coding.bits === 32 ? new Float32Array(from) : new Float64Array(from);
  return coding.bits === 8 ? new Int8Array(from) : coding.bits === 16 ? new Int16Array(from) : new Int32Array(from);
};

/** `value` as a whole number of 1/`scale`s, at most `limit` either way; NaN where it is not exact so. */
function wholeOf(value: number, scale: number, limit: number): number {
  const whole = Math.round(value * scale);
  return Math.abs(whole) <= limit && whole / scale === value ? whole : Number.NaN;
}

/** Whether `value` is exact in `coding` (unknown is, in any). */
function holds(coding: NumberCoding, value: number): boolean {
  if (value !== value) return true;
  if (coding.scale === undefined) return coding.bits === 64 || Math.fround(value) === value;
  return !Number.isNaN(wholeOf(value, coding.scale, largest(coding.bits)));
}

/** A stored column's values as numbers, unknown as NaN: 32-bit floats where they are exact so (days, counts), else 64. */
export function numberValues(coding: NumberCoding, bytes: ArrayBuffer): Float32Array | Float64Array {
  const stored = storedOf(coding, bytes);
  if (stored instanceof Float32Array || stored instanceof Float64Array) return stored;
  const { scale } = coding as { scale: number };
  const unknown = -largest(coding.bits) - 1;
  const values = scale === 1 && coding.bits < 32 ? new Float32Array(stored.length) : new Float64Array(stored.length);
  for (let row = 0; row < stored.length; row += 1) {
    const whole = stored[row]!;
    values[row] = whole === unknown ? Number.NaN : whole / scale;
  }
  return values;
}

/**
 * A number column as a builder fills it, a row after another, in the narrowest coding that holds
 * every value so far: a value that does not fit moves the column to the first coding that holds
 * it and every value before it.
 */
export class NumberColumn {
  private rank = 0;
  private values: Stored;
  /** The coding's scale, 0 for floats; the largest whole number it holds; what stands for unknown. */
  private scale = 0;
  private limit = 0;
  private unknown = 0;

  constructor(capacity: number) {
    this.values = storedOf(CODINGS[0]!, capacity);
    this.coded();
  }

  get coding(): NumberCoding {
    return CODINGS[this.rank]!;
  }

  private coded(): void {
    const { coding } = this;
    this.scale = coding.scale ?? 0;
    this.limit = coding.scale === undefined ? 0 : largest(coding.bits);
    this.unknown = -this.limit - 1;
  }

  /** Sets `row` (every row before it set already): NaN for unknown. */
  set(row: number, value: number): void {
    if (this.scale === 0) {
      if (holds(this.coding, value)) {
        this.values[row] = value;
        return;
      }
    } else {
      const whole = value !== value ? this.unknown : wholeOf(value, this.scale, this.limit);
      if (whole === whole) {
        this.values[row] = whole;
        return;
      }
    }
    this.widen(row, value);
    this.set(row, value);
  }

  /** The value at `row`, NaN for unknown. */
  get(row: number): number {
    const stored = this.values[row]!;
    return this.scale === 0 ? stored : stored === this.unknown ? Number.NaN : stored / this.scale;
  }

  /** Moves to the first coding after this one that holds `value` and the `rows` before it. */
  private widen(rows: number, value: number): void {
    let rank = this.rank + 1;
    for (; rank < CODINGS.length - 1; rank += 1) {
      const coding = CODINGS[rank]!;
      if (!holds(coding, value)) continue;
      let row = 0;
      while (row < rows && holds(coding, this.get(row))) row += 1;
      if (row === rows) break;
    }
    const before = Float64Array.from({ length: rows }, (_, row) => this.get(row));
    const capacity = this.values.length;
    this.rank = rank;
    this.values = storedOf(this.coding, capacity);
    this.coded();
    for (let row = 0; row < rows; row += 1) this.set(row, before[row]!);
  }

  /** Room for `capacity` rows, the values kept. */
  grow(capacity: number): void {
    const grown = storedOf(this.coding, capacity);
    grown.set(this.values as Float64Array);
    this.values = grown;
  }

  /** Sets `n` rows from `offset` to another column's first `n`. */
  setFrom(offset: number, other: { coding: NumberCoding; values: ArrayBuffer }, n: number): void {
    const theirs = storedOf(other.coding, other.values);
    if (sameCoding(other.coding, this.coding)) {
      this.values.set(theirs.subarray(0, n) as Float64Array, offset);
      return;
    }
    const values = numberValues(other.coding, other.values);
    for (let row = 0; row < n; row += 1) this.set(offset + row, values[row]!);
  }

  /** The first `n` rows as stored, with their coding: the column itself where it holds just those. */
  stored(n: number): { coding: NumberCoding; values: ArrayBuffer } {
    const values = this.values.length === n ? this.values : this.values.slice(0, n);
    return { coding: this.coding, values: values.buffer as ArrayBuffer };
  }
}

export const sameCoding = (a: NumberCoding, b: NumberCoding): boolean => a.bits === b.bits && a.scale === b.scale;
