import { columnLetter, Columns, FormatError, isNotAnOrder, isRejection, type ColumnMapping, type FormatId, type FormatOptions, type OrderFormat, type RowMapper } from '../formats';
import { compileDatePattern, dateParser, DatePatternError, inferDateFormat } from '../dates';
import { defaultTimeZone, endOfDay, isValidTimeZone, zoneFromOffsets } from '../time';
import { formats } from '../../plugins/formats';
import { guessMapping } from '../../plugins/formats/generic';
import { OrderFolder, type FoldedOrder } from './fold';
import { RowProblem } from './row-reader';
import { InputError } from './encoding';
import { both, type Localised } from '../localised';
import { PLATFORM_NAMES, type Shop } from '../shops';
import type { OrderStatus } from '../model';
import { detach } from '../customers';
import { RowPrints } from './row-prints';
import { NumberColumns } from './numbers';
import type { DecimalMark } from '../money';

/** The header was read but its columns do not fit (a missing column, an unmapped field, a bad date pattern): the seller can fix the mapping. */
export class ColumnsError extends InputError {
  constructor(
    text: Localised,
    readonly format: FormatId,
    readonly columns: string[],
    readonly mapping: ColumnMapping,
  ) {
    super(text);
  }
}

export interface ImportSettings {
  format?: FormatId | 'auto';
  /** For the generic format, as the seller made it; guessed from the header and values when absent. */
  mapping?: ColumnMapping;
  /** For the generic format: fields chosen on the command line, over the guess for the rest. */
  mapOverrides?: ColumnMapping;
  hasHeader?: boolean;
  /** date-fns pattern; inferred for the generic format when absent. */
  dateFormat?: string;
  /** The shop's zone; a format's own default (China time for Taobao, JD, Douyin) applies when absent. */
  timeZone?: string;
  currency?: string;
  importId?: string;
  /** YYYY-MM-DD: orders made after the end of this day (in the shop's zone) are left out and counted, as if not yet made. */
  asOf?: string;
  /** The shop the orders belong to; the platform's first shop when absent. */
  shop?: Shop;
  /** The seller's shops: the settings of the platform's first shop, when no shop is chosen. */
  shops?: readonly Shop[];
  /** The shop takes cash on delivery (the default): shipped orders whose payment is pending are purchases. */
  cashOnDelivery?: boolean;
}

export interface Rejection {
  /** 1-based row as a spreadsheet shows it: the header is row 1. */
  row: number;
  /** Plain text in records made before reasons were bilingual. */
  reason: Localised | string;
}

/** A row left out because an identical row of the same order came before it. */
export interface DuplicateRow {
  row: number;
  /** The earlier row it repeats. */
  of: number;
}

/** Examples of duplicate rows kept for the report; the count covers them all. */
const DUPLICATE_EXAMPLES = 20;

/** The decimal mark one number column was read with, and the cell that showed it. */
export interface DecimalMarkUsed {
  column: string;
  mark: DecimalMark;
  row: number;
  example: string;
}

export interface ImportReport {
  format: FormatId;
  /** The header as read (or 1..n for a file without one): the columns a mapping can name. */
  columns: string[];
  formatTitle: Localised;
  timeZone: string;
  currency: string;
  mapping: ColumnMapping;
  dateFormat: string | null;
  /** Number columns whose values showed a decimal mark; columns of whole numbers only are not listed. */
  decimalMarks: DecimalMarkUsed[];
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  /** Rows identical to an earlier row of the same order, counted once: read = imported + rejected + duplicates. */
  duplicateRows: number;
  duplicates: DuplicateRow[];
  /** Orders made after the as-of day, left out, and their rows: read = imported + rejected + duplicates + these rows. */
  ordersAfterAsOf: number;
  rowsAfterAsOf: number;
  /** The first row of the first order left out for the as-of day. */
  firstAfterAsOf: number | null;
  /** Identical rows kept as separate purchases, in a file with no order ids; imported, and reported. */
  repeatedRows: number;
  repeats: DuplicateRow[];
  orders: number;
  /** Orders tied to no customer (no stable buyer identifier in the row). */
  guestOrders: number;
  /** Orders whose buyer was identified by a fallback column, per column, with the first order's row. */
  fallbacks: Array<{ column: string; orders: number; firstRow: number }>;
  /** Status texts the format did not know, each with the orders read with its default status and the first one's row. */
  unknownStatuses: Array<{ text: string; orders: number; firstRow: number; readAs: OrderStatus }>;
  /** Birthday cells that are no date: the orders were read without them (absent in reports from before birthdays). */
  unreadBirthdays?: { orders: number; firstRow: number; text: string };
  /** Lines the export adds around its orders (a footer), not read as rows; with the first and the record count a footer states. */
  notOrders?: { lines: number; firstRow: number; text: string; records: number | null };
  /** Rows whose every cell is empty, not read as rows, with the first. */
  emptyRows?: { rows: number; firstRow: number };
  /** Orders read as cash-on-delivery purchases (shipped, payment pending), with the first order's row. */
  cashOnDelivery: { orders: number; firstRow: number } | null;
  rejections: Rejection[];
  warnings: Localised[];
}

/** A line with no text in any cell (a blank line, or a row of empty cells as spreadsheets and eBay write): not a row. */
function isBlankRow(row: readonly string[]): boolean {
  for (const cell of row) if (cell !== '' && cell.trim() !== '') return false;
  return true;
}

/** How sure detection must be before a known format is chosen over asking for a mapping. */
const DETECT_THRESHOLD = 0.5;

export function detectFormat(header: readonly string[]): { format: OrderFormat; confidence: number } {
  const columns = new Columns(header);
  let best: OrderFormat = formats.generic;
  let confidence = 0;
  for (const format of Object.values(formats)) {
    const score = format.detect(columns);
    if (score > confidence) {
      best = format;
      confidence = score;
    }
  }
  return confidence >= DETECT_THRESHOLD ? { format: best, confidence } : { format: formats.generic, confidence };
}

/**
 * One import of one file: takes parsed rows (header first), maps them with the format, folds
 * lines into orders and hands each to `sink`. Counts every row: read = imported + rejected.
 */
export class ImportSession {
  private format: OrderFormat | null = null;
  private mapper: RowMapper | null = null;
  private folder: OrderFolder | null = null;
  private numbers: NumberColumns | null = null;
  private rowNumber = 0;
  private report: ImportReport | null = null;
  private readonly warnings: Localised[] = [];
  /** Said last: the zone the timestamps' offsets pointed to, when none was given. */
  private zoneNote: Localised | null = null;
  /** Whether the format already said the file cannot tie orders to buyers. */
  private buyerWarned = false;
  /**
   * Whether rows carry real order ids, so that a repeated row is a duplicate. Where the file has
   * none (a customer's day stands in for one), two identical rows may be two real purchases: a
   * repeat is kept, and only reported.
   */
  private skipRepeats = true;
  private readonly prints = new RowPrints();
  /** The file's encoding, to name it when a row does not decode. */
  encoding = 'utf-8';
  /** Set once the text holds U+FFFD: from then on, rows are checked for bytes that did not decode. */
  checkUndecodable = false;

  constructor(
    private readonly settings: ImportSettings,
    private readonly sink: (folded: FoldedOrder) => void,
  ) {}

  get started(): boolean {
    return this.report !== null;
  }

  /** The report so far (counts grow as rows arrive). */
  get progress(): ImportReport {
    if (!this.report) throw new InputError(both('The file is empty: it has no header row and no data.', '文件是空的：没有表头，也没有数据。'));
    return this.report;
  }

  /** `texts`: each row's text as the file has it, for finding repeated rows; cells joined where absent. */
  pushRows(rows: string[][], texts?: readonly string[]): void {
    let start = 0;
    if (!this.report) {
      // Blank lines before the header (eBay's download starts with one) are not the header.
      while (start < rows.length && isBlankRow(rows[start]!)) start += 1;
      this.rowNumber += start;
      const first = rows[start];
      if (!first) return;
      this.begin(first, rows.slice(start));
      if (this.settings.hasHeader !== false) {
        start += 1;
        this.rowNumber += 1;
      }
    }
    const report = this.report!;
    const mapper = this.mapper!;
    const folder = this.folder!;
    const numbers = this.numbers!;
    for (let i = start; i < rows.length; i += 1) {
      const row = rows[i]!;
      this.rowNumber += 1;
      if (isBlankRow(row)) {
        // A blank line is not a row; a row of empty cells (a spreadsheet's, eBay's) is not either, but it is said.
        if (row.length > 1) (report.emptyRows ??= { rows: 0, firstRow: this.rowNumber }).rows += 1;
        continue;
      }
      report.rowsRead += 1;
      if (this.checkUndecodable && row.some((cell) => cell.includes('\uFFFD'))) {
        // A buyer's name or an amount with bytes that are not text here would be a wrong customer or figure.
        const encoding = this.encoding.toUpperCase();
        this.rejectRows([this.rowNumber], both(
          `holds bytes that are not ${encoding} text (shown as �): the file mixes encodings. Re-save it in one encoding, or choose the file's encoding in the preview (--encoding on the command line).`,
          `含有不是 ${encoding} 文字的字节（显示为 �）：文件混用了多种编码。请用一种编码重新保存，或在预览中选择文件的编码（命令行用 --encoding）。`,
        ));
        continue;
      }
      numbers.row = this.rowNumber;
      let line;
      try {
        line = mapper(row);
      } catch (error) {
        if (!(error instanceof RowProblem)) throw error;
        this.rejectRows([this.rowNumber], error.text);
        continue;
      }
      if (isRejection(line)) {
        this.rejectRows([this.rowNumber], line.reject);
        continue;
      }
      if (isNotAnOrder(line)) {
        report.rowsRead -= 1;
        const around = (report.notOrders ??= { lines: 0, firstRow: this.rowNumber, text: line.notAnOrder, records: null });
        around.lines += 1;
        if (line.records !== undefined) around.records = line.records;
        continue;
      }
      // A row identical to one read before (its order id among its cells): one export pasted
      // twice, or two overlapping exports joined. It is left out, never added as one more line.
      const of = this.prints.check(texts?.[i] ?? row.join('\u001f'), this.rowNumber);
      if (of !== 0) {
        const examples = this.skipRepeats ? report.duplicates : report.repeats;
        if (this.skipRepeats) report.duplicateRows += 1;
        else report.repeatedRows += 1;
        if (examples.length < DUPLICATE_EXAMPLES) examples.push({ row: this.rowNumber, of });
        if (this.skipRepeats) continue;
      }
      folder.add(line, this.rowNumber);
    }
  }

  /** `utf8Lines`: lines of a GBK, Big5 or Shift_JIS file that were UTF-8, read as such (see StreamDecoder). */
  finish(utf8Lines: { lines: number; first: number; encoding: string } | null = null): ImportReport {
    const report = this.progress;
    if (utf8Lines) {
      const n = utf8Lines.lines.toLocaleString('en');
      const name = utf8Lines.encoding.toUpperCase();
      this.warnings.push({
        en: `${n} ${utf8Lines.lines === 1 ? 'line was' : 'lines were'} UTF-8 in a ${name} file (the first: line ${utf8Lines.first}, as a text editor counts lines) and ${utf8Lines.lines === 1 ? 'was' : 'were'} read as UTF-8, so the names in ${utf8Lines.lines === 1 ? 'it' : 'them'} stay the same buyers.`,
        'zh-CN': `${name} 文件中有 ${n} 行是 UTF-8 编码（第一行：第 ${utf8Lines.first} 行，按文本编辑器的行号），已按 UTF-8 读取，其中的买家不会被拆分。`,
      });
    }
    this.folder!.flush();
    report.decimalMarks = this.numbers!.decided().map(({ column, mark, row, example }) => ({ column: report.columns[column] ?? String(column + 1), mark, row, example }));
    if (report.guestOrders > 0 && !this.buyerWarned) {
      this.warnings.push({
        en: `${report.guestOrders} of ${report.orders} orders name no buyer (no id, email or phone); they count toward sales but belong to no customer.`,
        'zh-CN': `${report.orders} 个订单中有 ${report.guestOrders} 个没有买家标识（无账号、邮箱或手机号）：计入销售额，但不归属任何客户。`,
      });
    }
    const first = report.duplicates[0];
    if (first) {
      const n = report.duplicateRows.toLocaleString('en');
      this.warnings.push({
        en: `${n} duplicate ${report.duplicateRows === 1 ? 'row' : 'rows'} skipped: each repeats an earlier row of the same order exactly (row ${first.row} repeats row ${first.of}), as when an export is pasted twice. Each was counted once.`,
        'zh-CN': `跳过 ${n} 行重复行：与同一订单此前的某行完全相同（第 ${first.row} 行与第 ${first.of} 行相同），常见于导出文件被重复粘贴。每行只计一次。`,
      });
    }
    for (const { column, orders, firstRow } of report.fallbacks) {
      const n = orders.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${orders === 1 ? 'order was' : 'orders were'} tied to their buyer by "${column}", as the columns before it were empty (the first at row ${firstRow}).`,
        'zh-CN': `${n} 个订单因前面的列为空，按"${column}"识别买家（第一个在第 ${firstRow} 行）。`,
      });
    }
    for (const { text, orders, firstRow, readAs } of report.unknownStatuses) {
      const n = orders.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${orders === 1 ? 'order has' : 'orders have'} the status "${text}", which this format does not know: read as ${readAs} (the first at row ${firstRow}). If that is wrong, change the status in the export or import it as a table with its columns chosen.`,
        'zh-CN': `${n} 个订单的状态为"${text}"，本格式无法识别，已按 ${readAs} 读取（第一个在第 ${firstRow} 行）。如有误，请修改导出文件中的状态，或按通用表格导入并自选列。`,
      });
    }
    const birthdays = report.unreadBirthdays;
    if (birthdays) {
      const n = birthdays.orders.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${birthdays.orders === 1 ? 'order has a birthday that is' : 'orders have birthdays that are'} no date, such as "${birthdays.text}" (row ${birthdays.firstRow}): ${birthdays.orders === 1 ? 'it was' : 'they were'} imported without. Write birthdays as 1990-05-17, 5月17日 or 05-17.`,
        'zh-CN': `${n} 个订单的生日无法识别为日期，如"${birthdays.text}"（第 ${birthdays.firstRow} 行）：已导入订单但未记录生日。生日请写作 1990-05-17、5月17日 或 05-17。`,
      });
    }
    const empty = report.emptyRows;
    if (empty) {
      const n = empty.rows.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${empty.rows === 1 ? 'row has' : 'rows have'} every cell empty and ${empty.rows === 1 ? 'was' : 'were'} not read as ${empty.rows === 1 ? 'a row' : 'rows'} (the first at row ${empty.firstRow}).`,
        'zh-CN': `${n} 行所有单元格均为空，未计入行数（第一行在第 ${empty.firstRow} 行）。`,
      });
    }
    const around = report.notOrders;
    if (around) {
      const n = around.lines.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${around.lines === 1 ? 'line is' : 'lines are'} the export's own, not orders, and ${around.lines === 1 ? 'was' : 'were'} not read as rows (row ${around.firstRow}: ${around.text}).`,
        'zh-CN': `${n} 行是导出文件自带的说明行，不是订单，未计入行数（第 ${around.firstRow} 行：${around.text}）。`,
      });
      if (around.records !== null && around.records !== report.rowsRead) {
        this.warnings.push({
          en: `The export says it holds ${around.records.toLocaleString('en')} records, but ${report.rowsRead.toLocaleString('en')} rows were read: the file may be cut short or edited. Download it again to be sure every order is in it.`,
          'zh-CN': `导出文件注明共 ${around.records.toLocaleString('en')} 条记录，但读取到 ${report.rowsRead.toLocaleString('en')} 行：文件可能不完整或被修改过。请重新下载以确保包含全部订单。`,
        });
      }
    }
    const cod = report.cashOnDelivery;
    if (cod) {
      const n = cod.orders.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${cod.orders === 1 ? 'order was' : 'orders were'} shipped with payment pending and counted as cash-on-delivery purchases (the first at row ${cod.firstRow}). If the shop takes no cash on delivery, untick it for the shop and import again.`,
        'zh-CN': `${n} 个订单已发货但付款待定，按货到付款计为购买（第一个在第 ${cod.firstRow} 行）。如果店铺不支持货到付款，请在店铺设置中取消勾选后重新导入。`,
      });
    }
    if (report.ordersAfterAsOf > 0) {
      const n = report.ordersAfterAsOf.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${report.ordersAfterAsOf === 1 ? 'order was' : 'orders were'} made after the as-of day ${this.settings.asOf} and left out (the first at row ${report.firstAfterAsOf}).`,
        'zh-CN': `${n} 个订单创建于截止日 ${this.settings.asOf} 之后，未计入（第一个在第 ${report.firstAfterAsOf} 行）。`,
      });
    }
    const repeat = report.repeats[0];
    if (repeat) {
      const n = report.repeatedRows.toLocaleString('en');
      this.warnings.push({
        en: `${n} ${report.repeatedRows === 1 ? 'row repeats' : 'rows repeat'} an earlier row exactly (row ${repeat.row} repeats row ${repeat.of}). The file has no order id column, so they were counted as separate purchases. If the file holds the same orders twice, choose the order id column or remove the copy.`,
        'zh-CN': `${n} 行与此前某行完全相同（第 ${repeat.row} 行与第 ${repeat.of} 行相同）。文件没有订单号列，已按多笔购买分别计入。如果文件包含重复的订单，请选择订单号列或删除重复部分。`,
      });
    }
    if (this.zoneNote) this.warnings.push(this.zoneNote);
    report.warnings = this.warnings;
    return report;
  }

  private begin(first: string[], rows: string[][]): void {
    const hasHeader = this.settings.hasHeader !== false;
    const header = hasHeader ? first.map((cell) => cell.replace(/^\uFEFF/, '')) : first.map((_, i) => String(i + 1));
    const requested = this.settings.format ?? 'auto';
    const format = requested === 'auto' ? detectFormat(header).format : formats[requested];
    this.format = format;
    // Without a zone given or the format's own, the timestamps' offsets say where the shop is: its
    // days are then counted there, not in the zone of the machine that reads the file.
    // The first data rows, which the guesses below read: the zone, the columns, the date pattern, the decimal marks.
    const sample = rows.slice(hasHeader ? 1 : 0, 2001);
    const inferred = this.settings.timeZone || format.defaultTimeZone ? null : zoneFromOffsets(sample.slice(0, 200).flat());
    const timeZone = this.settings.timeZone ?? format.defaultTimeZone ?? inferred?.zone ?? defaultTimeZone();
    if (inferred) {
      this.zoneNote = {
        en: `Days are counted in ${inferred.zone}, the zone the timestamps' offsets (${inferred.offsets.join(', ')}) point to. Set the shop's time zone if it is another.`,
        'zh-CN': `按 ${inferred.zone} 计算日期（由时间戳的时区偏移 ${inferred.offsets.join('、')} 推断）。如店铺所在时区不同，请设置店铺时区。`,
      };
    }
    if (!isValidTimeZone(timeZone)) {
      throw new InputError(both(`Unknown time zone "${timeZone}"; use an IANA name such as Asia/Shanghai or America/New_York.`, `无法识别的时区 "${timeZone}"；请用 IANA 名称，例如 Asia/Shanghai 或 America/New_York。`));
    }
    const currency = (this.settings.currency ?? format.defaultCurrency ?? 'USD').toUpperCase();
    const columns = new Columns(header);
    // A mapping the seller made whole (the dashboard's) is taken as it is; the command line's --map
    // overrides only the fields it names, over the guess from the header and the values.
    const mapping =
      format.id !== 'generic' ? {} : (this.settings.mapping ?? { ...guessMapping(header, sample.slice(0, 200)), ...this.settings.mapOverrides });
    let dateFormat = this.settings.dateFormat ?? null;
    const dateColumn = format.id === 'generic' ? mapping.date : format.datesToInfer?.find((name) => columns.has(name));
    if (!dateFormat && dateColumn) {
      const index = columns.find(dateColumn);
      if (index >= 0) {
        const samples = sample.map((row) => row[index] ?? '');
        const inferred = inferDateFormat(samples, timeZone);
        if (inferred?.pattern) dateFormat = inferred.pattern;
        if (inferred?.ambiguous) {
          this.warnings.push({
            en: `Dates such as "${samples.find(Boolean)}" could be month-first or day-first; read as ${inferred.pattern}. Set the date format if that is wrong.`,
            'zh-CN': `日期（如 "${samples.find(Boolean)}"）可能是月/日或日/月，已按 ${inferred.pattern} 读取；如有误请指定日期格式。`,
          });
        }
      }
    }
    let parseDate;
    try {
      parseDate = dateFormat ? compileDatePattern(dateFormat, timeZone) : dateParser(null, timeZone);
    } catch (error) {
      if (error instanceof DatePatternError) throw new ColumnsError(error.text, format.id, header, mapping);
      throw error;
    }
    this.numbers = new NumberColumns(sample, hasHeader ? 2 : 1);
    // A day's grace past today, or past the as-of day when that is later: no export holds later orders.
    const shop = this.settings.shop ?? this.settings.shops?.find((known) => known.id === format.platform);
    if (shop && shop.platform !== format.platform) {
      const title = format.title;
      const platform = PLATFORM_NAMES[shop.platform];
      throw new InputError(both(
        `This file is a ${title.en} export, and the shop chosen for it is a ${platform.en} shop. Choose one of your ${title.en} shops, or a new one.`,
        `这是${title['zh-CN']}的导出文件，而所选店铺是${platform['zh-CN']}店铺。请选择一个${title['zh-CN']}店铺，或新建店铺。`,
      ));
    }
    const latestDate = Math.max(Date.now(), this.settings.asOf ? endOfDay(this.settings.asOf, timeZone) : 0) + 86_400_000;
    const options: FormatOptions = { timeZone, currency, parseDate, mapping, hasHeader, numbers: this.numbers, latestDate, cashOnDelivery: this.settings.cashOnDelivery ?? shop?.cashOnDelivery ?? true };
    try {
      this.mapper = format.mapper(columns, options);
    } catch (error) {
      if (error instanceof FormatError) throw new ColumnsError(both(`${format.title.en}: ${error.text.en}`, `${format.title['zh-CN']}：${error.text['zh-CN']}`), format.id, header, mapping);
      throw error;
    }
    const warning = format.buyerWarning?.(columns, options);
    if (warning) this.warnings.push(warning);
    this.buyerWarned = warning != null;
    for (const [used, unread] of columns.repeated) {
      const name = header[used]!.trim();
      const [a, b] = [columnLetter(used), columnLetter(unread)];
      this.warnings.push({
        en: `Columns ${a} and ${b} are both named "${name}": column ${a} is read and column ${b} is not. Rename one in the export if ${b} is the one that holds the figures.`,
        'zh-CN': `第 ${a} 列和第 ${b} 列同名（"${name}"）：读取第 ${a} 列，未读取第 ${b} 列。如果数据在第 ${b} 列，请在导出文件中改名。`,
      });
    }
    const report: ImportReport = {
      format: format.id,
      columns: header,
      formatTitle: format.title,
      timeZone,
      currency,
      mapping,
      dateFormat,
      decimalMarks: [],
      rowsRead: 0,
      rowsImported: 0,
      rowsRejected: 0,
      duplicateRows: 0,
      duplicates: [],
      repeatedRows: 0,
      repeats: [],
      ordersAfterAsOf: 0,
      rowsAfterAsOf: 0,
      firstAfterAsOf: null,
      orders: 0,
      guestOrders: 0,
      fallbacks: [],
      cashOnDelivery: null,
      unknownStatuses: [],
      rejections: [],
      warnings: [],
    };
    this.report = report;
    this.skipRepeats = !(format.id === 'generic' && !mapping.order);
    const cutoff = this.settings.asOf ? endOfDay(this.settings.asOf, timeZone) : Infinity;
    /** Orders left out for the as-of day, so that their later rows are left out too. */
    const afterAsOf = new Set<string>();
    this.folder = new OrderFolder(
      {
        platform: format.platform,
        shop: this.settings.shop?.id ?? format.platform,
        currency,
        importId: this.settings.importId ?? 'cli',
        customerId: format.customerId,
      },
      (folded) => {
        const { order } = folded;
        if (afterAsOf.has(order.orderId) || (!folded.continuation && order.createdAt > cutoff)) {
          if (!folded.continuation) report.ordersAfterAsOf += 1;
          report.firstAfterAsOf ??= folded.rows[0] ?? null;
          afterAsOf.add(order.orderId);
          report.rowsAfterAsOf += folded.rows.length;
          return;
        }
        report.rowsImported += folded.rows.length;
        if (!folded.continuation) {
          report.orders += 1;
          if (folded.order.customerKey === null) report.guestOrders += 1;
          if (folded.buyerFrom) {
            let fallback = report.fallbacks.find((f) => f.column === folded.buyerFrom);
            if (!fallback) report.fallbacks.push((fallback = { column: folded.buyerFrom, orders: 0, firstRow: folded.rows[0] ?? 0 }));
            fallback.orders += 1;
          }
          if (folded.unknownStatus !== undefined) {
            const text = folded.unknownStatus;
            let unknown = report.unknownStatuses.find((u) => u.text === text);
            if (!unknown && report.unknownStatuses.length < 20) report.unknownStatuses.push((unknown = { text: detach(text), orders: 0, firstRow: folded.rows[0] ?? 0, readAs: folded.order.status }));
            if (unknown) unknown.orders += 1;
          }
          if (folded.unreadBirthday !== undefined) {
            report.unreadBirthdays ??= { orders: 0, firstRow: folded.rows[0] ?? 0, text: detach(folded.unreadBirthday) };
            report.unreadBirthdays.orders += 1;
          }
          if (folded.cashOnDelivery) {
            report.cashOnDelivery ??= { orders: 0, firstRow: folded.rows[0] ?? 0 };
            report.cashOnDelivery.orders += 1;
          }
        }
        this.sink(folded);
      },
      (rowNumbers, reason) => this.rejectRows(rowNumbers, reason),
    );
  }

  private rejectRows(rowNumbers: number[], reason: Localised): void {
    const report = this.report!;
    for (const row of rowNumbers) report.rejections.push({ row, reason });
    report.rowsRejected += rowNumbers.length;
  }
}
