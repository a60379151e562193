import { describe, expect, it } from 'vitest';
import { dayKey, daysBetween, toIsoInZone, zonedToInstant, zoneOffsetMs } from '../../lib/time';
import { compileDatePattern, inferDateFormat, parseIsoLike } from '../../lib/dates';

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
});
