import { decimalMarkOf, numberText, type DecimalMark } from '../money';

/** How the decimal mark of one column was decided, for the report. */
export interface ColumnMark {
  column: number;
  mark: DecimalMark;
  /** The row and cell that decided it. */
  row: number;
  example: string;
}

/**
 * The decimal mark of each number column, decided from the column's own values: the first rows of
 * the file where the import starts, and then each row as it comes. A cell that could be read
 * either way ("1.234") in a column that nothing has decided is refused, never guessed.
 */
export class NumberColumns {
  private readonly marks = new Map<number, ColumnMark | null>();
  /** The row being read (set by the import), to name the cell that decides a column. */
  row = 0;

  /** `sample`: the first data rows, with their 1-based row numbers starting at `firstRow`. */
  constructor(
    private readonly sample: readonly (readonly string[])[] = [],
    private readonly firstRow = 2,
  ) {}

  /** The column's mark, or null while nothing has decided it. */
  markOf(column: number): ColumnMark | null {
    let known = this.marks.get(column);
    if (known === undefined) {
      known = this.decideFromSample(column);
      this.marks.set(column, known);
    }
    return known;
  }

  /** A cell of a column not yet decided that shows its mark decides it for the rest of the file. */
  learn(column: number, mark: DecimalMark, example: string): ColumnMark {
    const decided = { column, mark, row: this.row, example };
    this.marks.set(column, decided);
    return decided;
  }

  /** Columns whose mark was decided, in column order. */
  decided(): ColumnMark[] {
    return [...this.marks.values()].filter((m): m is ColumnMark => m !== null).sort((a, b) => a.column - b.column);
  }

  private decideFromSample(column: number): ColumnMark | null {
    const first: Partial<Record<DecimalMark, ColumnMark>> = {};
    const votes = { '.': 0, ',': 0 };
    this.sample.forEach((row, i) => {
      const cell = row[column];
      if (!cell) return;
      const text = numberText(cell);
      if (!text) return;
      const mark = decimalMarkOf(text.body);
      if (mark !== '.' && mark !== ',') return;
      votes[mark] += 1;
      first[mark] ??= { column, mark, row: this.firstRow + i, example: cell.trim() };
    });
    if (votes['.'] === 0 && votes[','] === 0) return null;
    return votes[','] > votes['.'] ? first[',']! : first['.']!;
  }
}
