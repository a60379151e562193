import { describe, expect, it } from 'vitest';
import { dayKey, daysBetween, toIsoInZone, zonedToInstant, zoneFromOffsets, zoneOffsetMs } from '../../lib/time';
import { compileDatePattern, inferDateFormat, parseIsoLike, yearOfTwoDigits } from '../../lib/dates';
import { importToMemory } from '../../lib/import/collect';
import { chunked } from '../helpers';
import { textIn } from '../../lib/localised';

describe('time zones', () => {
  it('reads China time as UTC+8', () => {
    expect(new Date(zonedToInstant(2024, 3, 1, 10, 15, 0, 'Asia/Shanghai')).toISOString()).toBe('2024-03-01T02:15:00.000Z');
  });

  it('follows daylight saving across a switch day, hour by hour', () => {
    // New York switched to EDT at 2024-03-10 07:00 UTC.
    const before = Date.UTC(2024, 2, 10, 6, 30);
    const after = Date.UTC(2024, 2, 10, 7, 30);
    expect(zoneOffsetMs('America/New_York', before)).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs('America/New_York', after)).toBe(-4 * 3_600_000);
    expect(zoneOffsetMs('America/New_York', before)).toBe(-5 * 3_600_000);
    expect(toIsoInZone(after, 'America/New_York')).toBe('2024-03-10T03:30:00-04:00');
    expect(toIsoInZone(Date.UTC(1969, 11, 31, 23, 59, 59, 500), 'UTC')).toBe('1969-12-31T23:59:59Z');
    expect(toIsoInZone(Date.UTC(2024, 11, 31, 16, 5, 9), 'Asia/Shanghai')).toBe('2025-01-01T00:05:09+08:00');
    expect(toIsoInZone(Date.UTC(2024, 5, 1, 12), 'Asia/Kathmandu')).toBe('2024-06-01T17:45:00+05:45');
    expect(new Date(zonedToInstant(2024, 7, 1, 12, 0, 0, 'America/New_York')).toISOString()).toBe('2024-07-01T16:00:00.000Z');
  });

  it('moves a wall time inside a spring-forward gap forward, east and west of Greenwich, and takes the earlier of an overlap', () => {
    // 02:30 does not exist on these nights: it is read as 03:30 after the switch.
    expect(new Date(zonedToInstant(2024, 3, 10, 2, 30, 0, 'America/New_York')).toISOString()).toBe('2024-03-10T07:30:00.000Z');
    expect(new Date(zonedToInstant(2024, 3, 31, 2, 30, 0, 'Europe/Berlin')).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(new Date(zonedToInstant(2024, 10, 6, 2, 30, 0, 'Australia/Sydney')).toISOString()).toBe('2024-10-05T16:30:00.000Z');
    // 01:30 happens twice when New York falls back: the first, in daylight time.
    expect(new Date(zonedToInstant(2024, 11, 3, 1, 30, 0, 'America/New_York')).toISOString()).toBe('2024-11-03T05:30:00.000Z');
    expect(new Date(zonedToInstant(2024, 7, 1, 12, 0, 0, 'America/New_York')).toISOString()).toBe('2024-07-01T16:00:00.000Z');
  });

  it('finds the shop zone from the offsets its timestamps carry', () => {
    expect(zoneFromOffsets(['2023-04-09 19:23:02 -0700', '2023-01-15 08:00:00 -0800', 'Ada', '120.00'])).toEqual({ zone: 'America/Los_Angeles', offsets: ['-07:00', '-08:00'] });
    expect(zoneFromOffsets(['2024-06-01T10:00:00+05:00'])?.zone).toBe('Asia/Karachi');
    expect(zoneFromOffsets(['2024-06-01 10:00:00 +0530'])?.zone).toBe('Asia/Kolkata');
    // Summer and winter both at -03:00 but not Buenos Aires' or São Paulo's history: a fixed offset is still a zone.
    expect(zoneFromOffsets(['2024-06-01 10:00:00 -1100', '2024-01-01 10:00:00 -1100'])?.zone).toBe('Etc/GMT+11');
    expect(zoneFromOffsets(['2024-06-01 10:00:00', 'no date'])).toBeNull();
  });

  it('puts day boundaries in the shop zone', () => {
    const lateEvening = Date.UTC(2024, 0, 1, 17, 0); // 2024-01-02 01:00 in Shanghai
    expect(dayKey(lateEvening, 'Asia/Shanghai')).toBe('2024-01-02');
    expect(dayKey(lateEvening, 'UTC')).toBe('2024-01-01');
    expect(daysBetween(Date.UTC(2024, 0, 1, 15, 59), Date.UTC(2024, 0, 1, 16, 1), 'Asia/Shanghai')).toBe(1);
  });
});

describe('dates', () => {
  it('compiles date-fns patterns and refuses impossible dates', () => {
    const parse = compileDatePattern('dd/MM/yyyy HH:mm', 'UTC');
    expect(parse('31/12/2023 23:59')).toBe(Date.UTC(2023, 11, 31, 23, 59));
    expect(parse('31/02/2023 10:00')).toBeNull();
    expect(compileDatePattern('M/d/yyyy h:mm a', 'UTC')('7/4/2024 3:05 PM')).toBe(Date.UTC(2024, 6, 4, 15, 5));
    expect(() => compileDatePattern('dd/MM/yyyy Q', 'UTC')).toThrow(/unknown letter "Q" at position 12/);
  });

  it('reads offsets in ISO-like dates', () => {
    expect(parseIsoLike('2023-04-09 20:05:13 -0700', 'Asia/Shanghai')).toBe(Date.UTC(2023, 3, 10, 3, 5, 13));
    expect(parseIsoLike('2023-04-09 20:05:13 +05:45', 'UTC')).toBe(Date.UTC(2023, 3, 9, 14, 20, 13));
    expect(parseIsoLike('2023-04-09T20:05:13Z', 'Asia/Shanghai')).toBe(Date.UTC(2023, 3, 9, 20, 5, 13));
    expect(parseIsoLike('2023-04-09 20:05:13 +07', 'UTC')).toBeNull();
    expect(parseIsoLike('2024/06/01 20:15:00', 'Asia/Shanghai')).toBe(Date.UTC(2024, 5, 1, 12, 15));
  });

  it('knows leap days', () => {
    expect(parseIsoLike('2024-02-29 10:00:00', 'UTC')).toBe(Date.UTC(2024, 1, 29, 10));
    expect(parseIsoLike('2023-02-29 10:00:00', 'UTC')).toBeNull();
    expect(parseIsoLike('1900-02-29 10:00:00', 'UTC')).toBeNull();
    expect(parseIsoLike('2000-02-29 10:00:00', 'UTC')).toBe(Date.UTC(2000, 1, 29, 10));
    expect(parseIsoLike('2024-04-31 10:00:00', 'UTC')).toBeNull();
  });

  it('infers month-first or day-first from the sample and says when it cannot tell', () => {
    expect(inferDateFormat(['12/1/2010 8:45', '12/13/2010 9:00'], 'UTC')).toEqual({ pattern: 'M/d/yyyy H:mm', ambiguous: false });
    expect(inferDateFormat(['13/1/2010 8:45'], 'UTC')).toEqual({ pattern: 'd/M/yyyy H:mm', ambiguous: false });
    expect(inferDateFormat(['1/2/2010'], 'UTC')).toEqual({ pattern: 'M/d/yyyy', ambiguous: true });
  });

  it('reads two-digit years, month names and eBay\'s Jan-18-16, and infers those patterns too', () => {
    const now = Date.UTC(2026, 11, 1);
    expect([yearOfTwoDigits(21, now), yearOfTwoDigits(27, now), yearOfTwoDigits(28, now), yearOfTwoDigits(95, now)]).toEqual([2021, 2027, 1928, 1995]);
    const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString().slice(0, 10));
    expect(iso(compileDatePattern('MMM-d-yy', 'UTC')('Jan-18-16'))).toBe('2016-01-18');
    expect(iso(compileDatePattern('MMM d, yyyy', 'UTC')('Sept. 5, 2024'))).toBe('2024-09-05');
    expect(iso(compileDatePattern('d MMMM yyyy', 'UTC')('5 March 2024'))).toBe('2024-03-05');
    expect(compileDatePattern('MMM-d-yy', 'UTC')('Foo-18-16')).toBeNull();
    expect(inferDateFormat(['Jan-18-16', 'Feb-2-16'], 'UTC')).toEqual({ pattern: 'MMM-d-yy', ambiguous: false });
    expect(inferDateFormat(['01/02/21', '12/25/21'], 'UTC')).toEqual({ pattern: 'M/d/yy', ambiguous: false });
    expect(inferDateFormat(['25.12.21'], 'UTC')).toEqual({ pattern: 'd.M.yy', ambiguous: false });
  });

  it('refuses offsets no zone has, and years Date.UTC would misread', () => {
    expect(parseIsoLike('2024-03-01 10:00:00 +9999', 'UTC')).toBeNull();
    expect(parseIsoLike('2024-03-01 10:00:00 +0875', 'UTC')).toBeNull();
    expect(parseIsoLike('0000-01-01', 'UTC')).toBeNull();
    expect(parseIsoLike('2024-03-01 10:00:00 +1400', 'UTC')).toBe(Date.UTC(2024, 1, 29, 20));
  });

  it('refuses order dates before 1995 or after today, naming the row and the range', async () => {
    const text = 'Order,Customer,Date,Total\n1,a,2024-03-01,1.00\n2,b,1970-01-01,1.00\n3,c,9999-12-31,1.00\n4,d,2024-03-02,1.00\n';
    const { report } = await importToMemory(chunked(new TextEncoder().encode(text), 16), {
      format: 'generic',
      mapping: { order: 'Order', customer: 'Customer', date: 'Date', amount: 'Total' },
      timeZone: 'UTC',
    });
    expect(report).toMatchObject({ rowsRead: 4, rowsImported: 2, rowsRejected: 2 });
    expect(report.rejections.map((r) => r.row)).toEqual([3, 4]);
    expect(textIn(report.rejections[0]!.reason, 'en')).toMatch(/^date in column "Date": "1970-01-01" is not a plausible order date \(expected 1995-01-01 to \d{4}-\d{2}-\d{2}\)$/);
  });
});
