// Every text in both languages: the keys the code asks for exist, neither language is empty,
// and both take the same {placeholders}.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { messages, labels, errorCodes, type Pair } from '../src/messages';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(vue|ts)$/.test(f) ? [p] : [];
  });
}
const sources = files(join(__dirname, '..', 'src')).map((f) => readFileSync(f, 'utf8'));
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
function complete(name: string, p: Pair) {
  expect(p, name).toHaveLength(2);
  expect(p[0].trim(), `${name} zh-CN`).not.toBe('');
  expect(p[1].trim(), `${name} en`).not.toBe('');
  expect(placeholders(p[0]), `${name} placeholders`).toEqual(placeholders(p[1]));
}

describe('i18n', () => {
  it('has every message in Chinese and English with the same placeholders', () => {
    for (const [k, p] of Object.entries(messages)) complete(k, p);
    for (const [g, m] of Object.entries(labels)) for (const [k, p] of Object.entries(m)) complete(`${g}.${k}`, p);
    for (const [k, p] of Object.entries(errorCodes)) complete(k, p);
  });

  it('has the Chinese text in Chinese', () => {
    const han = /[\u4e00-\u9fff]/;
    const latinOnly = ['app.name'].length; // names may be the same in both
    let missing = 0;
    for (const [, p] of Object.entries(messages)) if (!han.test(p[0])) missing += 1;
    expect(missing).toBeLessThanOrEqual(latinOnly + 2);
  });

  it('knows every key the code asks for', () => {
    const used = new Set<string>();
    for (const src of sources) for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
    // Keys written elsewhere than in t('…'): navigation and the waterfall steps.
    for (const src of sources) for (const m of src.matchAll(/key: '([a-z]+\.[a-zA-Z0-9_]+)'/g)) used.add(m[1]);
    expect(used.size).toBeGreaterThan(300);
    const unknown = [...used].filter((k) => !(k in messages));
    expect(unknown).toEqual([]);
  });

  it('knows the keys built from parts', () => {
    const built = [
      ...['enterprise', 'bank', 'gov', 'admin'].map((s) => `product.${s}`),
      ...[1, 2, 3, 4].map((s) => `apply.step${s}`),
      ...['bank', 'district', 'industry', 'month'].map((g) => `fin.by_${g}`),
      ...['approval_rate', 'bad_loan_rate', 'outstanding_fen', 'avg_rate_bp', 'collateral_coverage', 'avg_days_to_disbursement'].map((m) => `fin.${m}`),
      ...['normal', 'watch', 'warning', 'critical'].map((r) => `fin.rating_${r}`),
      ...['age', '-age', 'amount', '-amount', 'rating', '-rating', 'district', 'industry'].map((s) => `queue.sort_${s.replace('-', 'desc_')}`),
    ];
    expect(built.filter((k) => !(k in messages))).toEqual([]);
  });

  it('labels every label group the code uses', () => {
    const groups = new Set<string>();
    for (const src of sources) for (const m of src.matchAll(/\blabel\('([a-zA-Z]+)'/g)) groups.add(m[1]);
    expect([...groups].filter((g) => !(g in labels))).toEqual([]);
  });
});
