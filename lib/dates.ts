import { zonedToInstant } from './time';
import { both, SellerError } from './localised';

/** Parses one cell to an instant, or null. */
export type DateParser = (text: string) => number | null;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  pm: boolean | null;
  offsetMinutes: number | null;
}

type Setter = (fields: Fields, value: string) => void;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** A month's name or its abbreviation ("Jan", "Sept.", "January") to 1–12; 0 for no month. */
const monthByName = (name: string) => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;

/**
 * A two-digit year in the century that puts it no later than next year: "21" is 2021, "95" is
 * 1995 (exports hold no orders from the future, and none from before e-commerce).
 */
export function yearOfTwoDigits(yy: number, now = Date.now()): number {
  return 2000 + yy <= new Date(now).getUTCFullYear() + 1 ? 2000 + yy : 1900 + yy;
}

const TOKENS: Record<string, { pattern: string; set: Setter }> = {
  yyyy: { pattern: '(\\d{4})', set: (f, v) => (f.year = Number(v)) },
  yy: { pattern: '(\\d{2})', set: (f, v) => (f.year = yearOfTwoDigits(Number(v))) },
  MMMM: { pattern: '([A-Za-z]{3,9})', set: (f, v) => (f.month = monthByName(v)) },
  MMM: { pattern: '([A-Za-z]{3,4})\\.?', set: (f, v) => (f.month = monthByName(v)) },
  MM: { pattern: '(\\d{2})', set: (f, v) => (f.month = Number(v)) },
  M: { pattern: '(\\d{1,2})', set: (f, v) => (f.month = Number(v)) },
  dd: { pattern: '(\\d{2})', set: (f, v) => (f.day = Number(v)) },
  d: { pattern: '(\\d{1,2})', set: (f, v) => (f.day = Number(v)) },
  HH: { pattern: '(\\d{2})', set: (f, v) => (f.hour = Number(v)) },
  H: { pattern: '(\\d{1,2})', set: (f, v) => (f.hour = Number(v)) },
  hh: { pattern: '(\\d{2})', set: (f, v) => (f.hour = Number(v) % 12) },
  h: { pattern: '(\\d{1,2})', set: (f, v) => (f.hour = Number(v) % 12) },
  mm: { pattern: '(\\d{2})', set: (f, v) => (f.minute = Number(v)) },
  m: { pattern: '(\\d{1,2})', set: (f, v) => (f.minute = Number(v)) },
  ss: { pattern: '(\\d{2})', set: (f, v) => (f.second = Number(v)) },
  s: { pattern: '(\\d{1,2})', set: (f, v) => (f.second = Number(v)) },
  SSS: { pattern: '(\\d{3})', set: (f, v) => (f.ms = Number(v)) },
  a: { pattern: '([AaPp][Mm])', set: (f, v) => (f.pm = v.toLowerCase() === 'pm') },
  XXX: { pattern: '(Z|[+-]\\d{2}:\\d{2})', set: (f, v) => (f.offsetMinutes = parseOffset(v)) },
  xx: { pattern: '([+-]\\d{4})', set: (f, v) => (f.offsetMinutes = parseOffset(v)) },
  X: { pattern: '(Z|[+-]\\d{2}(?::?\\d{2})?)', set: (f, v) => (f.offsetMinutes = parseOffset(v)) },
};
const TOKEN_NAMES = Object.keys(TOKENS).sort((a, b) => b.length - a.length);

/** An offset such as "+0800", "-07:00" or "Z" in minutes; NaN beyond what any zone uses (±14:00), as "+9999" is. */
function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const extra = Number(digits.slice(2) || '0');
  if (hours > 14 || extra > 59) return Number.NaN;
  const minutes = hours * 60 + extra;
  return text.startsWith('-') ? -minutes : minutes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Thrown for a date pattern that cannot be compiled; the message names the bad part. */
export class DatePatternError extends SellerError {}

/**
 * Compiles a date-fns style pattern ("yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy", "yyyyMMdd", "M/d/yyyy h:mm a").
 * Text in single quotes is literal. A time without an offset is read in `timeZone`.
 */
export function compileDatePattern(pattern: string, timeZone: string): DateParser {
  let source = '^';
  const setters: Setter[] = [];
  let hasYear = false;
  for (let i = 0; i < pattern.length; ) {
    if (pattern[i] === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new DatePatternError(both(`Date pattern "${pattern}": unclosed quote at position ${i + 1}`, `日期格式 "${pattern}"：第 ${i + 1} 个字符处的引号没有闭合`));
      source += escapeRegExp(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const name = TOKEN_NAMES.find((token) => pattern.startsWith(token, i));
    if (name) {
      const token = TOKENS[name]!;
      source += token.pattern;
      setters.push(token.set);
      if (name.startsWith('y')) hasYear = true;
      i += name.length;
      continue;
    }
    const char = pattern[i]!;
    if (/[A-Za-z]/.test(char)) {
      throw new DatePatternError(
        both(
          `Date pattern "${pattern}": unknown letter "${char}" at position ${i + 1}; use yyyy MM dd HH mm ss (quote literal text with ')`,
          `日期格式 "${pattern}"：第 ${i + 1} 个字符 "${char}" 无法识别；请用 yyyy MM dd HH mm ss（原样文字用 ' 括起）`,
        ),
      );
    }
    source += /\s/.test(char) ? '\\s+' : escapeRegExp(char);
    i += 1;
  }
  if (!hasYear) throw new DatePatternError(both(`Date pattern "${pattern}" has no year (yyyy or yy)`, `日期格式 "${pattern}" 中没有年份（yyyy 或 yy）`));
  const regex = new RegExp(`${source}$`);
  return (text) => {
    const match = regex.exec(text.trim());
    if (!match) return null;
    const fields: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0, pm: null, offsetMinutes: null };
    for (let g = 0; g < setters.length; g += 1) setters[g]!(fields, match[g + 1]!);
    return fieldsToInstant(fields, timeZone);
  };
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number) => (month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

function fieldsToInstant(f: Fields, timeZone: string): number | null {
  if (f.pm === true) f.hour += 12;
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 || f.second > 60) return null;
  if (f.day > daysInMonth(f.year, f.month)) return null; // 31 February
  // Date.UTC reads years 0–99 as 1900–1999; no export's order is from then (see RowReader's range check).
  if (f.year < 100) return null;
  if (f.offsetMinutes !== null) {
    if (Number.isNaN(f.offsetMinutes)) return null;
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms) - f.offsetMinutes * 60_000;
  }
  return zonedToInstant(f.year, f.month, f.day, f.hour, f.minute, f.second, timeZone) + f.ms;
}

/** Unambiguous forms seen in exports: ISO dates with - or /, optional time, optional offset ("2023-04-09 20:05:13 -0700"). */
const ISO_LIKE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:\s?(\d{2}):?(\d{2}):?(\d{2}))?$/;

const digitAt = (text: string, i: number) => text.charCodeAt(i) - 48;
const twoDigits = (text: string, i: number) => {
  const a = digitAt(text, i);
  const b = digitAt(text, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/** "yyyy-MM-dd HH:mm:ss" with an optional " ±hhmm", " ±hh:mm" or "Z": most cells, read without a regex. */
function parseCommonForm(text: string, timeZone: string): number | null | undefined {
  const n = text.length;
  if (n < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const separator = text.charCodeAt(10);
  if (separator !== 32 && separator !== 84) return undefined;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (century < 0 || yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let offsetMinutes: number | null = null;
  if (n > 19) {
    let at = 19;
    while (text.charCodeAt(at) === 32) at += 1;
    const sign = text.charCodeAt(at);
    const colon = text.charCodeAt(at + 3) === 58 ? 1 : 0;
    if (sign === 90 && at + 1 === n) offsetMinutes = 0; // Z
    else if ((sign === 43 || sign === 45) && at + 5 + colon === n) {
      const hours = twoDigits(text, at + 1);
      const minutes = twoDigits(text, at + 3 + colon);
      if (hours < 0 || minutes < 0) return undefined;
      if (hours > 14 || minutes > 59) return null; // no zone is that far from UTC
      offsetMinutes = (sign === 45 ? -1 : 1) * (hours * 60 + minutes);
    } else return undefined;
  }
  return fieldsToInstant(
    { year: century * 100 + yy, month, day, hour, minute, second, ms: 0, pm: null, offsetMinutes },
    timeZone,
  );
}

/** Parses the unambiguous date forms exports use, reading wall-clock times in `timeZone`. */
export function parseIsoLike(text: string, timeZone: string): number | null {
  const trimmed = text.trim();
  const common = parseCommonForm(trimmed, timeZone);
  if (common !== undefined) return common;
  const match = ISO_LIKE.exec(trimmed) ?? COMPACT.exec(trimmed);
  if (!match) return null;
  const offset = match[8];
  return fieldsToInstant(
    {
      year: Number(match[1]),
      month: Number(match[2]),
      day: Number(match[3]),
      hour: Number(match[4] ?? 0),
      minute: Number(match[5] ?? 0),
      second: Number(match[6] ?? 0),
      ms: Number((match[7] ?? '').padEnd(3, '0')),
      pm: null,
      offsetMinutes: offset ? parseOffset(offset.length === 5 ? offset : offset) : null,
    },
    timeZone,
  );
}

const DAY_FIRST_CANDIDATES = [
  'd/M/yyyy H:mm:ss', 'd/M/yyyy H:mm', 'd/M/yyyy', 'd.M.yyyy H:mm:ss', 'd.M.yyyy H:mm', 'd.M.yyyy', 'd/M/yy H:mm', 'd/M/yy', 'd.M.yy',
];
const MONTH_FIRST_CANDIDATES = ['M/d/yyyy H:mm:ss', 'M/d/yyyy H:mm', 'M/d/yyyy h:mm a', 'M/d/yyyy', 'M/d/yy H:mm', 'M/d/yy h:mm a', 'M/d/yy'];
/** Month names say which is the month: eBay's "Jan-18-16", "Mar 5, 2024", "5 Mar 2024", "05-Mar-24". */
const NAMED_MONTH_CANDIDATES = [
  'MMM-d-yy', 'MMM-d-yyyy', 'MMM d, yyyy H:mm:ss', 'MMM d, yyyy h:mm a', 'MMM d, yyyy', 'MMMM d, yyyy', 'MMM d yyyy', 'd MMM yyyy H:mm', 'd MMM yyyy',
  'd MMMM yyyy', 'd-MMM-yy', 'd-MMM-yyyy',
];

export interface InferredDateFormat {
  /** null means the ISO-like forms. */
  pattern: string | null;
  /** Set when day-first and month-first both read every sample. */
  ambiguous: boolean;
}

/**
 * Picks the date form that reads every sample: ISO-like first, then month-first or day-first.
 * When both month-first and day-first fit (no day above 12 in the sample) it says so.
 */
export function inferDateFormat(samples: readonly string[], timeZone: string): InferredDateFormat | null {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  if (values.length === 0) return null;
  if (values.every((v) => parseIsoLike(v, timeZone) !== null)) return { pattern: null, ambiguous: false };
  const fits = (pattern: string) => {
    const parse = compileDatePattern(pattern, timeZone);
    return values.every((v) => parse(v) !== null);
  };
  const named = NAMED_MONTH_CANDIDATES.find(fits);
  if (named) return { pattern: named, ambiguous: false };
  const monthFirst = MONTH_FIRST_CANDIDATES.find(fits);
  const dayFirst = DAY_FIRST_CANDIDATES.find(fits);
  if (monthFirst && dayFirst) return { pattern: monthFirst, ambiguous: monthFirst.replace('M/d', 'd/M') === dayFirst };
  const pattern = monthFirst ?? dayFirst;
  return pattern ? { pattern, ambiguous: false } : null;
}

/** The parser for a format: a pattern when given, else the ISO-like forms. */
export function dateParser(pattern: string | null | undefined, timeZone: string): DateParser {
  return pattern ? compileDatePattern(pattern, timeZone) : (text) => parseIsoLike(text, timeZone);
}

const BIRTH_YMD = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/;
const BIRTH_MD = /^(?:--)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const monthDay = (month: number, day: number): string | null =>
  month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]! ? `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` : null;

/**
 * A yearly date (a birthday) as "MM-DD": from 1990-05-17, 1990年5月17日, 5月17日 or 05-17 (month
 * first unless the first number cannot be a month); any other full date as the file writes its
 * order dates (`parseDate`, read in `timeZone`). Null when the text is no date.
 */
export function monthDayOf(text: string, parseDate?: DateParser, timeZone = 'UTC'): string | null {
  const trimmed = text.trim();
  const ymd = BIRTH_YMD.exec(trimmed);
  if (ymd) return monthDay(Number(ymd[2]), Number(ymd[3]));
  const md = BIRTH_MD.exec(trimmed);
  if (md) {
    const [first, second] = [Number(md[1]), Number(md[2])];
    return first > 12 ? monthDay(second, first) : monthDay(first, second);
  }
  const instant = parseDate?.(trimmed) ?? null;
  if (instant === null) return null;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric', day: 'numeric' }).formatToParts(instant);
  return monthDay(Number(parts.find((p) => p.type === 'month')!.value), Number(parts.find((p) => p.type === 'day')!.value));
}

/** Days from a local day number to the next time a yearly "MM-DD" comes round (0 on the day); 29 February falls on 1 March in other years. */
export function daysUntilYearly(monthDayText: string, fromDay: number): number {
  const [month, day] = monthDayText.split('-').map(Number) as [number, number];
  const from = new Date(fromDay * 86_400_000);
  for (let year = from.getUTCFullYear(); ; year += 1) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const [m, d] = month === 2 && day === 29 && !leap ? [3, 1] : [month, day];
    const target = Date.UTC(year, m - 1, d) / 86_400_000;
    if (target >= fromDay) return target - fromDay;
  }
}
