import { describe, expect, it } from 'vitest';
import { yuan, wan, wanNumber, dateTime, date, chinaToday, month, parseYuan, percent, rateBp, integer } from '../src/format';

describe('money', () => {
  it('shows fen as 元 with thousands separators and two decimals', () => {
    expect(yuan(123456789, 'zh-CN')).toBe('1,234,567.89 元');
    expect(yuan(5, 'zh-CN')).toBe('0.05 元');
    expect(yuan(0, 'zh-CN')).toBe('0.00 元');
    expect(yuan(-100050, 'zh-CN')).toBe('-1,000.50 元');
    expect(yuan(123456789, 'en')).toBe('CNY 1,234,567.89');
  });
  it('shows large amounts in 万元, rounded half away from zero', () => {
    expect(wan(5_000_000_000, 'zh-CN')).toBe('5,000.00 万元'); // RMB 50 m
    expect(wan(1_234_567_890, 'zh-CN')).toBe('1,234.57 万元');
    expect(wan(5000, 'zh-CN')).toBe('0.01 万元'); // 50 元 = 0.005 万元, half up
    expect(wan(4999, 'zh-CN')).toBe('0.00 万元');
    expect(wan(-5000, 'zh-CN')).toBe('-0.01 万元'); // half away from zero
  });
  it('keeps exact integer fen beyond float precision of cents', () => {
    expect(yuan(900719925474099, 'zh-CN')).toBe('9,007,199,254,740.99 元');
  });
  it('shows millions in English', () => {
    expect(wan(5_000_000_000, 'en')).toBe('CNY 50.00 m');
    expect(wan(123_456_789, 'en')).toBe('CNY 1.23 m');
  });
  it('gives chart numbers in the unit of the language', () => {
    expect(wanNumber(1_234_567_890, 'zh-CN')).toBe(1234.57);
    expect(wanNumber(1_234_567_890, 'en')).toBe(12.35);
  });
  it('says so when there is no amount', () => {
    expect(yuan(null, 'zh-CN')).toBe('—');
    expect(wan(undefined, 'en')).toBe('—');
  });
  it('reads typed amounts into fen', () => {
    expect(parseYuan('1,000,000.5')).toBe(100000050);
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
  });
  it('formats shares, basis points and counts', () => {
    expect(percent(0.12345)).toBe('12.35%');
    expect(rateBp(250)).toBe('2.50%');
    expect(integer(1234567)).toBe('1,234,567');
    expect(integer(-1234)).toBe('-1,234');
  });
});

describe('China time', () => {
  it('reads the service instants as UTC and shows them in Asia/Shanghai', () => {
    expect(dateTime('2026-11-01T03:04:05')).toBe('2026-11-01 11:04');
    expect(dateTime('2026-11-01T03:04:05.123456')).toBe('2026-11-01 11:04');
    expect(dateTime('2026-11-01T03:04:05Z')).toBe('2026-11-01 11:04');
  });
  it('moves to the next China day after 16:00 UTC', () => {
    expect(date('2026-10-31T16:30:00')).toBe('2026-11-01');
    expect(dateTime('2026-12-31T16:00:00')).toBe('2027-01-01 00:00');
    expect(chinaToday(new Date('2026-10-31T16:00:01Z'))).toBe('2026-11-01');
    expect(month('2026-11-30T17:00:00')).toBe('2026-12');
  });
  it('leaves legal dates (already China calendar) as they are', () => {
    expect(date('2026-02-28')).toBe('2026-02-28');
    expect(month('2026-02-28')).toBe('2026-02');
  });
  it('does not invent a date for nothing', () => {
    expect(date(null)).toBe('—');
    expect(dateTime('')).toBe('—');
    expect(dateTime('not a date')).toBe('—');
  });
});
