import { parseMoneyMinor, minorDigits } from '../money';
import { cellAt, type FormatOptions } from '../formats';

/** Thrown inside a row mapper; the import records the row as rejected with this reason. */
export class RowProblem extends Error {}

/** Typed cell reads for row mappers; a bad cell throws RowProblem naming the column and value. */
export class RowReader {
  // Rows of one order repeat its dates, so each column remembers its last cell.
  private readonly lastDateCell: string[] = [];
  private readonly lastDate: Array<number | null> = [];
  private readonly defaultDigits: number;

  constructor(
    private readonly header: readonly string[],
    private readonly options: FormatOptions,
  ) {
    this.defaultDigits = minorDigits(options.currency);
  }

  text(row: readonly string[], index: number): string {
    return cellAt(row, index);
  }

  required(row: readonly string[], index: number, what: string): string {
    const value = cellAt(row, index);
    if (value === '') throw new RowProblem(`missing ${what} (column "${this.name(index)}" is empty)`);
    return value;
  }

  money(row: readonly string[], index: number, currency = this.options.currency): number | undefined {
    const cell = cellAt(row, index);
    if (cell === '') return undefined;
    const minor = parseMoneyMinor(cell, currency === this.options.currency ? this.defaultDigits : minorDigits(currency));
    if (minor === null) throw new RowProblem(`column "${this.name(index)}": "${clip(cell)}" is not an amount`);
    return minor;
  }

  date(row: readonly string[], index: number): number | undefined {
    const cell = cellAt(row, index);
    if (cell === '') return undefined;
    let instant: number | null;
    if (this.lastDateCell[index] === cell) instant = this.lastDate[index]!;
    else {
      instant = this.options.parseDate(cell);
      this.lastDateCell[index] = cell;
      this.lastDate[index] = instant;
    }
    if (instant === null) {
      throw new RowProblem(`unparseable date in column "${this.name(index)}": "${clip(cell)}"`);
    }
    return instant;
  }

  requiredDate(row: readonly string[], index: number, what: string): number {
    this.required(row, index, what);
    return this.date(row, index)!;
  }

  quantity(row: readonly string[], index: number): number {
    const cell = cellAt(row, index);
    if (cell === '') return 1;
    const value = Number(cell.replace(/,/g, ''));
    if (!Number.isFinite(value)) throw new RowProblem(`column "${this.name(index)}": "${clip(cell)}" is not a quantity`);
    return value;
  }

  private name(index: number): string {
    return (this.header[index] ?? `column ${index + 1}`).trim() || `column ${index + 1}`;
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
