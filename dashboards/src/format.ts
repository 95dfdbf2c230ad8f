// Figures as people read them: money from integer fen into 元 or 万元 with thousands separators
// (exact integer arithmetic, no float drift), dates and instants in China time (Asia/Shanghai).

export type Locale = 'zh-CN' | 'en';

const TZ = 'Asia/Shanghai';

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Integer fen divided by 10^scale, rounded half away from zero to `decimals` places, grouped. */
function scaled(fen: number, scale: number, decimals: number): string {
  const negative = fen < 0;
  let abs = BigInt(Math.round(Math.abs(fen)));
  const unit = 10n ** BigInt(scale);
  const keep = 10n ** BigInt(decimals);
  // abs / unit with `decimals` places: round(abs * keep / unit), half up on the absolute value.
  const num = abs * keep;
  let q = num / unit;
  if ((num % unit) * 2n >= unit) q += 1n;
  abs = q;
  const whole = (abs / keep).toString();
  const frac = decimals > 0 ? '.' + (abs % keep).toString().padStart(decimals, '0') : '';
  const body = group(whole) + frac;
  return (negative && abs !== 0n ? '-' : '') + body;
}

/** 1234567 fen → "12,345.67 元" (zh) or "CNY 12,345.67" (en). */
export function yuan(fen: number | null | undefined, locale: Locale): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  const s = scaled(fen, 2, 2);
  return locale === 'zh-CN' ? `${s} 元` : `CNY ${s}`;
}

/** 1234567890 fen → "1,234.57 万元" (zh) or "CNY 12.35 m" (en). */
export function wan(fen: number | null | undefined, locale: Locale): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  return locale === 'zh-CN' ? `${scaled(fen, 6, 2)} 万元` : `CNY ${scaled(fen, 8, 2)} m`;
}

/** The number alone in 万元 (zh) / millions (en), for chart axes: 2 decimals, no unit. */
export function wanNumber(fen: number, locale: Locale): number {
  return Math.round(fen / (locale === 'zh-CN' ? 1e4 : 1e6)) / 100;
}

/** The unit that goes with wanNumber. */
export function wanUnit(locale: Locale): string {
  return locale === 'zh-CN' ? '万元' : 'CNY m';
}

export function integer(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const r = Math.round(n);
  return (r < 0 ? '-' : '') + group(Math.abs(r).toString());
}

/** 0.1234 → "12.34%". */
export function percent(share: number | null | undefined, decimals = 2): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return `${(share * 100).toFixed(decimals)}%`;
}

/** Basis points → "2.50%". */
export function rateBp(bp: number | null | undefined): string {
  if (bp === null || bp === undefined || Number.isNaN(bp)) return '—';
  return `${(bp / 100).toFixed(2)}%`;
}

/** The API's instants are UTC without a zone ("2026-11-01T03:04:05"); read them as UTC. */
export function parseInstant(value: string): Date {
  const hasZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value);
  return new Date(hasZone ? value : value.replace(' ', 'T') + 'Z');
}

function parts(d: Date): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** An instant as China time: "2026-11-01 11:04". */
export function dateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = typeof value === 'string' ? parseInstant(value) : value;
  if (Number.isNaN(d.getTime())) return '—';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** A legal date ("2026-11-01", already China's calendar) or the China date of an instant. */
export function date(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = typeof value === 'string' ? parseInstant(value) : value;
  if (Number.isNaN(d.getTime())) return '—';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Today's date in China. */
export function chinaToday(now: Date = new Date()): string {
  return date(now);
}

/** "YYYY-MM" of a date or instant, in China time. */
export function month(value: string): string {
  return date(value).slice(0, 7);
}

/** Parses "12,345.67" (元) into integer fen; null when it is not an amount. */
export function parseYuan(text: string): number | null {
  const t = text.replace(/[,\s，]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const [w, f = ''] = t.split('.');
  return Number(w) * 100 + Number(f.padEnd(2, '0'));
}
