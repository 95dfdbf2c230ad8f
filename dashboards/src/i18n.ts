// The user's language (zh-CN by default, English on request, remembered in localStorage) and
// everything that depends on it: messages, labels of the service's codes, error texts, figures.
import { ref } from 'vue';
import { messages, labels, errorCodes, type Pair } from './messages';
import * as f from './format';
import { ApiError } from './api';

export type Locale = f.Locale;
const KEY = 'zhirong.lang';

function initial(): Locale {
  try {
    const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
    return saved === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const locale = ref<Locale>(initial());

export function setLocale(l: Locale) {
  locale.value = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    /* private mode: the choice lasts for this page */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}
if (typeof document !== 'undefined') document.documentElement.lang = locale.value;

function pick(p: Pair): string {
  return locale.value === 'zh-CN' ? p[0] : p[1];
}

function fill(s: string, params?: Record<string, unknown>): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (_, k) => (params[k] === undefined ? `{${k}}` : String(params[k])));
}

export function t(key: string, params?: Record<string, unknown>): string {
  const p = messages[key];
  return p ? fill(pick(p), params) : key;
}

/** The label of one of the service's codes (a status, a rating, a ground…), or the code itself. */
export function label(group: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const p = labels[group]?.[value];
  return p ? pick(p) : value;
}

/** What went wrong, in the user's language: by the error's code, else the service's words. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const p = errorCodes[e.code];
    if (p) return pick(p) + (e.field ? ` (${e.field})` : '');
    if (e.status === 404 && e.code === 'NOT_FOUND') return pick(errorCodes.NOT_FOUND);
    return `${t('error.generic')}: ${e.message} [${e.code}]`;
  }
  return `${t('error.generic')}: ${String((e as Error)?.message ?? e)}`;
}

export const y = (fen: number | null | undefined) => f.yuan(fen, locale.value);
export const w = (fen: number | null | undefined) => f.wan(fen, locale.value);
export const wn = (fen: number) => f.wanNumber(fen, locale.value);
export const wu = () => f.wanUnit(locale.value);
export const dt = f.dateTime;
export const d = f.date;
export const pct = f.percent;
export const bp = f.rateBp;
export const n = f.integer;
export const chinaToday = f.chinaToday;
