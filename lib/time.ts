/**
 * Instants are epoch ms; wall-clock times in exports are read in the shop's time zone.
 * Only Intl is used, so this runs the same in Node and in the extension.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: UTC day number → offset (NaN on a switch day), and UTC hour number → offset for the hours of switch days. */
const offsetCache = new Map<string, { days: Map<number, number>; hours: Map<number, number> }>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function offsetAtHour(timeZone: string, hour: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(hour * 3_600_000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - hour * 3_600_000;
}

/**
 * The zone's offset from UTC in ms at an instant. Intl is slow, so offsets are cached per UTC day:
 * when a day starts and ends on the same offset (every day but a switch day) one entry serves it.
 */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  let cache = offsetCache.get(timeZone);
  if (!cache) offsetCache.set(timeZone, (cache = { days: new Map(), hours: new Map() }));
  const day = Math.floor(instant / 86_400_000);
  const cachedDay = cache.days.get(day);
  if (cachedDay !== undefined && !Number.isNaN(cachedDay)) return cachedDay;
  const hour = Math.floor(instant / 3_600_000);
  if (cachedDay === undefined) {
    const start = offsetAtHour(timeZone, day * 24);
    const end = offsetAtHour(timeZone, day * 24 + 23);
    if (cache.days.size > 100_000) cache.days.clear();
    // NaN marks a switch day, whose hours are cached one by one.
    cache.days.set(day, start === end ? start : Number.NaN);
    if (start === end) return start;
  }
  let offset = cache.hours.get(hour);
  if (offset === undefined) {
    offset = offsetAtHour(timeZone, hour);
    cache.hours.set(hour, offset);
  }
  return offset;
}

/** A wall-clock time in a zone to an instant. In a DST gap it moves forward; in an overlap it takes the earlier. */
export function zonedToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // The offsets in force half a day either side: the same on all but a switch day.
  const before = zoneOffsetMs(timeZone, wall - 12 * 3_600_000);
  const after = zoneOffsetMs(timeZone, wall + 12 * 3_600_000);
  if (before === after) return wall - before;
  const fits = (offset: number) => zoneOffsetMs(timeZone, wall - offset) === offset;
  if (fits(before) && fits(after)) return Math.min(wall - before, wall - after); // an overlap: the earlier
  if (fits(before)) return wall - before;
  if (fits(after)) return wall - after;
  // A gap (02:30 on a spring-forward night): the clock read before the switch, so 03:30 after it.
  return wall - before;
}

/** Days since 1970-01-01 of the calendar day an instant falls on in a zone. */
export function localDayNumber(instant: number, timeZone: string): number {
  return Math.floor((instant + zoneOffsetMs(timeZone, instant)) / DAY_MS);
}

/** The calendar day (YYYY-MM-DD) of an instant in a zone; the unit of "transactions merged by day". */
export function dayKey(instant: number, timeZone: string): string {
  return isoDay(localDayNumber(instant, timeZone));
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

// Exports span a few thousand days, each formatted many times over.
const isoDays = new Map<number, string>();
/** A date (YYYY-MM-DD) as its local day number: the inverse of isoDay. */
export const dayOfIso = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/** A local day number as its date, YYYY-MM-DD. */
export function isoDay(day: number): string {
  let text = isoDays.get(day);
  if (text === undefined) {
    if (isoDays.size > 100_000) isoDays.clear();
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDays.set(day, text);
  }
  return text;
}

/** An instant as ISO 8601 with the zone's offset ("2024-03-01T10:15:00+08:00"). */
export function toIsoInZone(instant: number, timeZone: string): string {
  const offset = zoneOffsetMs(timeZone, instant);
  const wall = instant + offset;
  const day = Math.floor(wall / DAY_MS);
  const ms = wall - day * DAY_MS;
  const second = Math.floor(ms / 1000);
  const local = `${isoDay(day)}T${pad2(Math.floor(second / 3600))}:${pad2(Math.floor(second / 60) % 60)}:${pad2(second % 60)}`;
  if (offset === 0) return `${local}Z`;
  const minutes = Math.abs(offset) / 60_000;
  return `${local}${offset < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

export function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whole calendar days between two instants in a zone (b - a). */
export function daysBetween(a: number, b: number, timeZone: string): number {
  return localDayNumber(b, timeZone) - localDayNumber(a, timeZone);
}

/** The end of a calendar day (YYYY-MM-DD) in a zone, as an instant: the as-of moment for scoring. */
export function endOfDay(isoDate: string, timeZone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new Error(`Expected a date like 2024-12-31, got "${isoDate}"`);
  return zonedToInstant(Number(match[1]), Number(match[2]), Number(match[3]), 23, 59, 59, timeZone) + 999;
}

/** Zones shops are commonly run in, tried in turn against an export's offsets. */
const COMMON_ZONES = [
  'UTC', 'America/Los_Angeles', 'America/Denver', 'America/Phoenix', 'America/Chicago', 'America/New_York', 'America/Halifax',
  'America/Mexico_City', 'America/Bogota', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'Europe/London', 'Europe/Paris',
  'Europe/Helsinki', 'Europe/Istanbul', 'Europe/Moscow', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Dhaka', 'Asia/Bangkok',
  'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Perth', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Sydney', 'Pacific/Auckland',
  'Africa/Lagos', 'Africa/Johannesburg', 'Africa/Nairobi',
];
const STAMP_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s*([+-])(\d{2}):?(\d{2})$/;

/**
 * The shop's zone from the offsets its timestamps carry ("2023-04-09 19:23:02 -0700" in summer,
 * "-0800" in winter: America/Los_Angeles), so that its days are counted as the shop counts them
 * rather than in the zone of the machine reading the file. The first common zone whose offset
 * agrees at every instant; a fixed offset (Etc/GMT+7) when none does and the offset never
 * changes; null when the cells carry no offset.
 */
export function zoneFromOffsets(cells: readonly string[]): { zone: string; offsets: string[] } | null {
  const stamps: Array<{ instant: number; offset: number }> = [];
  const seen = new Set<string>();
  for (const cell of cells) {
    const m = STAMP_WITH_OFFSET.exec(cell.trim());
    if (!m) continue;
    const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
    stamps.push({ instant: wall - offset, offset });
    seen.add(`${m[7]}${m[8]}:${m[9]}`);
  }
  if (stamps.length === 0) return null;
  const offsets = [...seen].sort();
  for (const zone of COMMON_ZONES) {
    if (stamps.every(({ instant, offset }) => zoneOffsetMs(zone, instant) === offset)) return { zone, offsets };
  }
  const only = stamps[0]!.offset;
  if (stamps.every((s) => s.offset === only) && only % 3_600_000 === 0) {
    const hours = -only / 3_600_000; // Etc/GMT zones count the other way round
    return { zone: hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '+' : ''}${hours}`, offsets };
  }
  return null;
}
