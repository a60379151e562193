import { decimalMarkOf, minorDigits, numberText, parseMoneyMinor, splitDecimal, type DecimalMark } from '../money';
import { cellAt, columnLetter, type FormatOptions } from '../formats';
import { NumberColumns } from './numbers';
import { clip } from '../text';
import { both, SellerError, type Localised } from '../localised';

/** No online order is older than this; an earlier date is a placeholder (0000-01-01) or a misread. */
const EARLIEST_ORDER = Date.UTC(1995, 0, 1);

/** Thrown inside a row mapper; the import records the row as rejected with this reason. */
export class RowProblem extends SellerError {}

/** Typed cell reads for row mappers; a bad cell throws RowProblem naming the column and value. */
export class RowReader {
  // Rows of one order repeat its dates, so each column remembers its last cell.
  private readonly lastDateCell: string[] = [];
  private readonly lastDate: Array<number | null> = [];
  private readonly defaultDigits: number;
  private readonly numbers: NumberColumns;

  constructor(
    private readonly header: readonly string[],
    private readonly options: FormatOptions,
  ) {
    this.defaultDigits = minorDigits(options.currency);
    this.numbers = options.numbers ?? new NumberColumns();
  }

  text(row: readonly string[], index: number): string {
    return cellAt(row, index);
  }

  required(row: readonly string[], index: number, what: string): string {
    const value = cellAt(row, index);
    if (value === '') throw new RowProblem(both(`missing ${what} (column "${this.name(index)}" is empty)`, `"${this.name(index)}" 列为空，缺少必填的内容`));
    return value;
  }

  money(row: readonly string[], index: number, currency = this.options.currency): number | undefined {
    const cell = cellAt(row, index);
    if (cell === '') return undefined;
    const mark = this.markFor(index, cell, 'amount');
    const minor = parseMoneyMinor(cell, currency === this.options.currency ? this.defaultDigits : minorDigits(currency), mark);
    if (minor === null) throw new RowProblem(this.notANumber(index, cell, mark, both('an amount', '金额')));
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
      throw new RowProblem(both(`unparseable date in column "${this.name(index)}": "${clip(cell)}"`, `"${this.name(index)}" 列的日期无法识别："${clip(cell)}"`));
    }
    const latest = this.options.latestDate ?? Number.POSITIVE_INFINITY;
    if (instant < EARLIEST_ORDER || instant > latest) {
      const until = Number.isFinite(latest) ? new Date(latest).toISOString().slice(0, 10) : null;
      throw new RowProblem(both(
        `date in column "${this.name(index)}": "${clip(cell)}" is not a plausible order date (expected 1995-01-01 to ${until ?? 'today'})`,
        `"${this.name(index)}" 列的日期 "${clip(cell)}" 不像下单日期（应在 1995-01-01 到 ${until ?? '今天'} 之间）`,
      ));
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
    if (/^\d{1,9}$/.test(cell)) return Number(cell);
    const mark = this.markFor(index, cell, 'quantity');
    const text = numberText(cell);
    const parts = text && splitDecimal(text.body, mark);
    if (!text || !parts) throw new RowProblem(this.notANumber(index, cell, mark, both('a quantity', '数量')));
    const value = Number(`${parts.whole}.${parts.fraction || '0'}`);
    return text.negative ? -value : value;
  }

  /**
   * The decimal mark to read a cell with: its column's, or what the cell itself shows when nothing
   * has decided the column yet. A cell that could be read either way in an undecided column is refused.
   */
  private markFor(index: number, cell: string, what: 'amount' | 'quantity'): DecimalMark {
    const known = this.numbers.markOf(index);
    if (known) return known.mark;
    if (/^-?\d+$/.test(cell)) return '.'; // a whole number shows no mark: a column of them stays undecided, cheaply
    const text = numberText(cell);
    if (!text) return '.';
    const shown = decimalMarkOf(text.body);
    if (shown === '.' || shown === ',') return this.numbers.learn(index, shown, cell).mark;
    if (shown === 'none') return '.';
    const [whole, fraction] = text.body.split(/[.,]/);
    const kind = what === 'amount' ? both('amount', '金额') : both('quantity', '数量');
    throw new RowProblem(both(
      `column "${this.name(index)}": "${clip(cell)}" could be ${whole}${fraction} or ${whole}.${fraction}, and no other ${kind.en} in this column shows whether "." or "," is its decimal mark. Write it as ${whole}${fraction}.00 or ${whole}.${fraction}, or fix the column in the export.`,
      `"${this.name(index)}" 列："${clip(cell)}" 可能是 ${whole}${fraction}，也可能是 ${whole}.${fraction}，而这一列没有别的${kind['zh-CN']}能说明小数点是 "." 还是 ","。请写成 ${whole}${fraction}.00 或 ${whole}.${fraction}，或在导出文件中修正这一列。`,
    ));
  }

  private notANumber(index: number, cell: string, mark: DecimalMark, what: Localised): Localised {
    const known = numberText(cell) ? this.numbers.markOf(index) : null;
    const example = known && clip(known.example);
    const usual = known
      ? both(` (this column writes numbers like "${example}"${known.row ? `, row ${known.row}` : ''}, with "${mark}" before the decimals)`, `（这一列的数字写作 "${example}"${known.row ? `，见第 ${known.row} 行` : ''}，小数点是 "${mark}"）`)
      : both('', '');
    return both(`column "${this.name(index)}": "${clip(cell)}" is not ${what.en}${usual.en}`, `"${this.name(index)}" 列："${clip(cell)}" 不是${what['zh-CN']}${usual['zh-CN']}`);
  }

  /** The column's header, or its letter as a spreadsheet shows it in a file without one. */
  private name(index: number): string {
    return (this.header[index] ?? '').trim() || columnLetter(index);
  }
}
