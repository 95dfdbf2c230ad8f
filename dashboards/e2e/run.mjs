// Browser tests of the dashboards: starts the real `zhirong` binary (ZHIRONG_BIN) on a fresh
// SQLite demo database on a free loopback port, drives Debian's chromium with playwright-core
// through the main flow of every role, checks what is on screen, saves screenshots of every main
// page in both languages (ARTEFACTS, default dashboards/artefacts) and ends with one line
// "N passed, M failed" (exit 1 on any failure). Every wait is bounded, and so is the whole run.
import { chromium } from 'playwright-core';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.ZHIRONG_BIN;
const ARTEFACTS = resolve(process.env.ARTEFACTS ?? join(here, '..', 'artefacts'));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOTAL_MS = Number(process.env.E2E_TIMEOUT_MS ?? 8 * 60_000);
const STEP_MS = 90_000;
const PASSWORD = process.env.ZHIRONG_DEMO_PASSWORD ?? 'zhirong-demo';

let passed = 0;
let failed = 0;
// A waiter started before a step failed may reject later, unawaited: that step has already
// counted as failed, so the stray rejection must not end the run.
process.on('unhandledRejection', (e) => console.log(`  (late: ${String(e?.message ?? e).split('\n')[0]})`));
const failures = [];
let server = null;
let browser = null;
let workdir = null;

function finish(code) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code);
}
async function cleanup() {
  try {
    await browser?.close();
  } catch {}
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (workdir) rmSync(workdir, { recursive: true, force: true });
}
const watchdog = setTimeout(async () => {
  console.log(`✗ the whole run took longer than ${TOTAL_MS / 1000} s`);
  failed += 1;
  await cleanup();
  finish(1);
}, TOTAL_MS);

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}
async function check(name, fn) {
  try {
    await withTimeout(Promise.resolve().then(fn), STEP_MS, name);
    passed += 1;
    console.log(`✓ ${name}`);
    return true;
  } catch (e) {
    failed += 1;
    failures.push(name);
    console.log(`✗ ${name}: ${String(e?.message ?? e).split('\n').slice(0, 4).join(' | ')}`);
    return false;
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}
function runBin(args, env, ms) {
  return new Promise((res, rej) => {
    execFile(BIN, args, { env, timeout: ms }, (err, stdout, stderr) => (err ? rej(new Error(`${args.join(' ')}: ${err.message} ${stderr}`)) : res(stdout)));
  });
}

// CN application numbers: 12 digits, check = Σ digit × weight mod 11 (10 → X).
const WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
export function patentNumber(year, typeDigit, serial) {
  const body = `${year}${typeDigit}${String(serial).padStart(7, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  const r = sum % 11;
  return `${body}.${r === 10 ? 'X' : r}`;
}

let base = '';
async function apiLogin(username) {
  const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  assert(r.ok, `login ${username}: ${r.status}`);
  return r.json();
}
async function apiGet(token, path) {
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
}

async function shots(page, name) {
  // Both languages: the page as it is, then after the switch, then back.
  mkdirSync(join(ARTEFACTS, 'zh-CN'), { recursive: true });
  mkdirSync(join(ARTEFACTS, 'en'), { recursive: true });
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(ARTEFACTS, 'zh-CN', `${name}.png`), fullPage: true });
  await page.locator('[data-lang-switch]').first().click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTEFACTS, 'en', `${name}.png`), fullPage: true });
  await page.locator('[data-lang-switch]').first().click();
  await page.waitForTimeout(200);
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  return page;
}
async function login(page, username) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
}
const path = (page) => new URL(page.url()).pathname;
async function navLinks(page) {
  return page.locator('[data-nav]').evaluateAll((els) => els.map((e) => e.getAttribute('data-nav')));
}
async function expectRedirect(page, url, prefix) {
  await page.goto(`${base}${url}`);
  await page.waitForURL((u) => u.pathname.startsWith(prefix), { timeout: 10_000 });
}

async function main() {
  assert(BIN, 'set ZHIRONG_BIN to the zhirong binary');
  workdir = mkdtempSync(join(tmpdir(), 'zr-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, DATABASE_URL: `sqlite://${join(workdir, 'demo.db')}`, ZHIRONG_MODE: 'demo', ZHIRONG_MONITOR_INTERVAL_SECS: '0', RUST_LOG: 'warn' };
  const t0 = Date.now();
  await runBin(['demo'], env, 180_000);
  console.log(`demo data loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  server = spawn(BIN, ['serve', '--bind', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let serverLog = '';
  server.stderr.on('data', (d) => (serverLog = (serverLog + d).slice(-4000)));
  const readyBy = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {}
    if (Date.now() > readyBy || server.exitCode !== null) throw new Error(`server not ready: ${serverLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`server ready on ${base}`);
  const paths = Object.keys((await (await fetch(`${base}/api/openapi.json`)).json()).paths ?? {});
  const hasFinancing = paths.includes('/api/gov/reports/financing');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  // --- Serving: the embedded app, its headers, history routing, the API's JSON 404 ---
  await check('the binary serves the app at / with the CSP and no inline script', async () => {
    const r = await fetch(`${base}/`);
    const html = await r.text();
    assert(r.ok && /<div id="app">/.test(html), `/ is not the app: ${r.status} ${html.slice(0, 200)}`);
    assert((r.headers.get('content-security-policy') ?? '').includes("script-src 'self'"), 'no CSP');
    assert(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'inline script in index.html');
    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    const a = await fetch(`${base}${asset}`);
    assert(a.ok && /immutable/.test(a.headers.get('cache-control') ?? ''), `asset ${asset}: ${a.status} ${a.headers.get('cache-control')}`);
    assert((a.headers.get('content-type') ?? '').includes('javascript'), 'asset content type');
  });
  await check('history routes get index.html; unknown /api paths keep the JSON 404', async () => {
    const r = await fetch(`${base}/gov/claims`);
    assert(r.ok && (await r.text()).includes('id="app"'), 'SPA path');
    const a = await fetch(`${base}/api/no-such-thing`);
    const body = await a.json();
    assert(a.status === 404 && body.error?.code === 'NOT_FOUND', 'api 404');
    const m = await fetch(`${base}/assets/missing-file.js`);
    assert(m.status === 404, `missing asset ${m.status}`);
    assert((await fetch(`${base}/healthz`)).ok, 'healthz');
  });

  // --- Login ---
  const anon = await newPage();
  await check('login page in Chinese; a wrong password is refused in the user’s language', async () => {
    await anon.goto(`${base}/enterprise/patents`);
    await anon.waitForURL((u) => u.pathname === '/login');
    await anon.getByText('知识产权质押融资风险平台').first().waitFor();
    await shots(anon, '00-login');
    await anon.fill('input[name=username]', 'demo-enterprise');
    await anon.fill('input[name=password]', 'wrong-password-1');
    await anon.click('button[type=submit]');
    await anon.getByText('用户名或密码不正确').waitFor();
  });

  // --- Enterprise ---
  const ent = await newPage();
  const entTokens = await apiLogin('demo-enterprise');
  const officerTokens = await apiLogin('demo-officer');
  const officerMe = (await apiGet(officerTokens.access_token, '/api/auth/me')).body;
  const bankId = officerMe.organisation?.id ?? officerTokens.org_id;
  let applicationId = null;
  let numbers = [];
  await check('enterprise lands on its own view with only its navigation', async () => {
    await login(ent, 'demo-enterprise');
    assert(path(ent).startsWith('/enterprise'), `landed on ${path(ent)}`);
    const links = await navLinks(ent);
    assert(links.length === 6 && links.every((l) => l.startsWith('/enterprise')), `nav: ${links}`);
    await ent.locator('[data-table=patents] tbody tr').first().waitFor();
    await shots(ent, '10-enterprise-patents');
  });
  await check('enterprise upload: a bad file is refused with its rows and columns on screen', async () => {
    const tpl = (await apiGet(entTokens.access_token, '/api/enterprise/patents/template.csv')).body;
    const [header, example] = tpl.trim().split(/\r?\n/);
    const cols = header.split(',');
    const ex = example.split(',');
    const serial = 9_000_000 + (Date.now() % 900_000);
    const today = new Date();
    const future = `${today.getFullYear() + 1}-12-31`;
    const row = (num, i) =>
      cols
        .map((c, k) => {
          if (c === 'patent_number') return num;
          if (c === 'patent_type') return 'invention';
          if (c === 'title') return `端到端测试专利 ${i + 1}`;
          if (c === 'legal_status') return 'valid';
          if (c === 'filing_date') return '2021-03-01';
          if (c === 'grant_date') return '2023-06-01';
          if (c === 'fee_paid_until') return future;
          if (c === 'revenue_fen') return String(800_000_000 + i * 10_000_000);
          if (c === 'co_owners') return i === 3 ? '1' : '0';
          if (c === 'co_owner_consent') return 'false';
          if (c === 'invalidation_requests' || c === 'litigations') return '0';
          return ex[k] ?? '';
        })
        .join(',');
    // Three to borrow on, and a fourth with a co-owner whose consent is not recorded.
    numbers = [0, 1, 2, 3].map((i) => patentNumber(2021, 1, serial + i));
    const badNumber = numbers[0].slice(0, -1) + (numbers[0].endsWith('0') ? '1' : '0');
    const bad = [header, row(badNumber, 0), row(numbers[1], 1)].join('\n') + '\n';
    const good = [header, ...numbers.map(row)].join('\n') + '\n';
    writeFileSync(join(workdir, 'bad.csv'), bad);
    writeFileSync(join(workdir, 'good.csv'), good);
    await ent.setInputFiles('[data-upload-file]', join(workdir, 'bad.csv'));
    await ent.click('[data-upload-send]');
    await ent.locator('[data-problems] tbody tr').first().waitFor();
    const text = await ent.locator('[data-problems]').innerText();
    assert(/patent_number/.test(text) && /\b1\b/.test(text), `problems: ${text}`);
    await ent.getByText('文件未导入').waitFor();
    await shots(ent, '11-enterprise-upload-rejected');
  });
  await check('enterprise upload: a good CSV imports every row', async () => {
    await ent.setInputFiles('[data-upload-file]', join(workdir, 'good.csv'));
    await ent.click('[data-upload-send]');
    await ent.locator('[data-upload-result]').waitFor();
    const text = await ent.locator('[data-upload-result]').innerText();
    assert(text.includes('4'), `result: ${text}`);
  });
  let creditLine = 0;
  await check('enterprise values the new patents: credit line and waterfall chart', async () => {
    await ent.goto(`${base}/enterprise/patents`);
    await ent.locator('[data-table=patents] tbody tr').first().waitFor();
    await ent.waitForLoadState('networkidle');
    for (const n of numbers.slice(0, 3)) {
      // The newest are not necessarily on the first page: look them up through the list filter-free pages.
      let found = false;
      for (let p = 0; p < 40 && !found; p++) {
        const box = ent.locator(`[data-select="${n}"]`);
        if (await box.count()) {
          await box.check();
          found = true;
        } else if (await ent.locator('[data-next-page]:not([disabled])').count()) {
          await ent.click('[data-next-page]');
          await ent.waitForLoadState('networkidle');
          await ent.locator('[data-table=patents] tbody tr').first().waitFor();
        } else break;
      }
      assert(found, `patent ${n} not in the list`);
    }
    const valuation = ent.waitForResponse((r) => r.url().endsWith('/api/enterprise/valuations') && r.request().method() === 'POST');
    await ent.click('[data-value-selected]');
    const report = await (await valuation).json();
    creditLine = report.credit_line_fen;
    assert(creditLine > 0, `credit line ${creditLine}`);
    await ent.locator('[data-credit-line]').waitFor();
    await ent.locator('[data-chart=waterfall] canvas').waitFor();
    const shown = await ent.locator('[data-credit-line]').innerText();
    assert(shown.includes('万元'), `credit line shown as ${shown}`);
    await shots(ent, '12-enterprise-valuation');
  });
  await check('enterprise application wizard: readiness passes and the application is submitted', async () => {
    await ent.click('[data-apply-with]');
    await ent.locator('[data-step=patents]').waitFor();
    await ent.waitForTimeout(300);
    await ent.click('[data-next]');
    await ent.locator('[data-step=terms]').waitFor();
    const hasBank = await ent.locator(`select[name=bank] option[value="${bankId}"]`).count();
    if (hasBank) await ent.selectOption('select[name=bank]', String(bankId));
    else {
      await ent.selectOption('select[name=bank]', 'other');
      await ent.fill('input[name=bank_id]', String(bankId));
    }
    const amountYuan = Math.floor(Math.min(creditLine * 0.6, 500_000_000) / 100);
    await ent.fill('input[name=amount]', String(amountYuan));
    await ent.fill('input[name=term]', '12');
    await ent.fill('input[name=purpose]', '研发投入与流动资金');
    await shots(ent, '13-enterprise-apply-terms');
    const created = ent.waitForResponse((r) => r.url().endsWith('/api/enterprise/applications') && r.request().method() === 'POST');
    await ent.click('[data-create-draft]');
    const draft = await (await created).json();
    applicationId = draft.id;
    await ent.locator('[data-ready]').waitFor();
    const ready = await ent.locator('[data-ready]').innerText();
    const grounds = (await ent.locator('[data-failed]').count()) ? await ent.locator('[data-failed]').innerText() : '';
    await shots(ent, '14-enterprise-readiness-ready');
    assert(ready.includes('全部条件满足'), `not ready: ${ready} ${grounds}`);
    await ent.click('[data-submit]');
    await ent.locator('[data-submitted]').waitFor();
  });
  await check('the readiness check names a failed ground (co-owner consent missing), submit stays off, the draft is withdrawn', async () => {
    await ent.goto(`${base}/enterprise/apply`);
    await ent.locator(`[data-pick="${numbers[3]}"]`).check();
    await ent.click('[data-next]');
    const hasBank = await ent.locator(`select[name=bank] option[value="${bankId}"]`).count();
    if (hasBank) await ent.selectOption('select[name=bank]', String(bankId));
    else {
      await ent.selectOption('select[name=bank]', 'other');
      await ent.fill('input[name=bank_id]', String(bankId));
    }
    await ent.fill('input[name=amount]', '1000');
    await ent.fill('input[name=purpose]', '流动资金');
    const created = ent.waitForResponse((r) => r.url().endsWith('/api/enterprise/applications') && r.request().method() === 'POST');
    await ent.click('[data-create-draft]');
    const draft = await (await created).json();
    await ent.locator('[data-failed]').waitFor();
    const failedText = await ent.locator('[data-failed]').innerText();
    assert(failedText.includes('缺少共有人同意') && failedText.includes(numbers[3]), `failed grounds: ${failedText}`);
    assert(await ent.locator('[data-submit]').isDisabled(), 'submit is enabled');
    await shots(ent, '14-enterprise-readiness-failed');
    await ent.goto(`${base}/enterprise/applications`);
    await ent.locator(`[data-withdraw="${draft.id}"]`).click();
    await ent.waitForFunction((id) => !document.querySelector(`[data-withdraw="${id}"]`), draft.id, { timeout: 10_000 });
  });
  await check('enterprise sees the application submitted, its loans, alerts and fee reminders', async () => {
    await ent.goto(`${base}/enterprise/applications`);
    await ent.locator('[data-table=applications] tbody tr').first().waitFor();
    const text = await ent.locator('[data-table=applications]').innerText();
    assert(text.includes('已提交'), 'submitted status not shown');
    await shots(ent, '15-enterprise-applications');
    await ent.goto(`${base}/enterprise/alerts`);
    await ent.locator('[data-unread]').waitFor();
    await ent.waitForLoadState('networkidle');
    const before = await ent.locator('[data-unread]').innerText();
    if (await ent.locator('[data-mark-read]').count()) {
      await ent.locator('[data-mark-read]').first().click();
      await ent.waitForFunction((b) => document.querySelector('[data-unread]')?.textContent !== b, before, { timeout: 10_000 });
    }
    await shots(ent, '16-enterprise-alerts');
  });
  await check('an expired access token is refreshed on the 401 and the page still loads', async () => {
    const before = await ent.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('zhirong.session'));
      const old = s.refresh_token;
      s.access_token = 'expired.' + s.access_token.split('.').slice(1).join('.') + 'x';
      sessionStorage.setItem('zhirong.session', JSON.stringify(s));
      return old;
    });
    await ent.goto(`${base}/enterprise/alerts`);
    await ent.locator('[data-unread]').waitFor();
    await ent.waitForLoadState('networkidle');
    const after = await ent.evaluate(() => JSON.parse(sessionStorage.getItem('zhirong.session')).refresh_token);
    assert(after && after !== before, 'the refresh token was not rotated');
    assert(path(ent) === '/enterprise/alerts', `sent to ${path(ent)}`);
  });
  await check('enterprise cannot reach the bank or government pages by URL (and the API refuses)', async () => {
    await expectRedirect(ent, '/bank/queue', '/enterprise');
    await expectRedirect(ent, '/gov', '/enterprise');
    await expectRedirect(ent, '/admin', '/enterprise');
    const r = await apiGet(entTokens.access_token, '/api/bank/applications');
    assert(r.status === 403, `API answered ${r.status}`);
  });

  // --- Bank officer ---
  const off = await newPage();
  let proposalId = null;
  await check('officer lands on the queue with only the bank navigation', async () => {
    await login(off, 'demo-officer');
    assert(path(off) === '/bank/queue', `landed on ${path(off)}`);
    const links = await navLinks(off);
    assert(links.every((l) => l.startsWith('/bank')), `nav: ${links}`);
    await off.locator('[data-table=queue] tbody tr').first().waitFor();
    await shots(off, '20-bank-queue');
  });
  await check('officer opens the evaluation report: waterfall, radar, events, PD', async () => {
    assert(applicationId, 'no application from the enterprise step');
    await off.goto(`${base}/bank/applications/${applicationId}`);
    await off.locator('[data-evaluation]').waitFor();
    await off.locator('[data-chart=radar] canvas').waitFor();
    await off.locator('[data-chart=waterfall] canvas').waitFor();
    const stats = await off.locator('[data-evaluation]').innerText();
    assert(stats.includes('违约概率'), 'PD not shown');
    await shots(off, '21-bank-evaluation');
  });
  await check('the printable report opens (format=html)', async () => {
    const popup = off.waitForEvent('popup', { timeout: 20_000 });
    await off.click('[data-print]');
    const p = await popup;
    await p.waitForLoadState('load', { timeout: 10_000 }).catch(() => {});
    await p.waitForFunction(() => document.body && document.body.innerText.length > 100, null, { timeout: 10_000 });
    mkdirSync(join(ARTEFACTS, 'zh-CN'), { recursive: true });
    await p.screenshot({ path: join(ARTEFACTS, 'zh-CN', '22-bank-evaluation-printable.png'), fullPage: true });
    await p.close();
  });
  await check('officer proposes approval', async () => {
    await off.fill('input[name=rate_bp]', '300');
    const res = off.waitForResponse((r) => r.url().includes(`/api/bank/applications/${applicationId}/proposals`));
    await off.click('[data-propose]');
    const body = await (await res).json();
    assert((await res).ok(), `proposal refused: ${JSON.stringify(body)}`);
    proposalId = body.id ?? body.proposal?.id ?? null;
    await off.locator('[data-proposed]').waitFor();
  });
  await check('officer pages: proposals, registration, portfolio, disposals', async () => {
    for (const [url, name, sel] of [
      ['/bank/proposals', '23-bank-proposals-officer', '[data-table=proposals]'],
      ['/bank/registration', '24-bank-registration', 'h1'],
      ['/bank/portfolio', '25-bank-portfolio', '[data-table=portfolio]'],
      ['/bank/disposals', '26-bank-disposals', 'h1'],
    ]) {
      await off.goto(`${base}${url}`);
      await off.locator(sel).first().waitFor();
      await shots(off, name);
    }
    await expectRedirect(off, '/gov', '/bank');
    await expectRedirect(off, '/enterprise/patents', '/bank');
  });

  // --- Bank manager ---
  const mgr = await newPage();
  const owner = await newPage();
  await check('manager sees a stranger’s failed sign-in attempts', async () => {
    for (let i = 0; i < 3; i += 1) {
      const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'demo-manager', password: `guess number ${i}` }) });
      assert(r.status === 401, `wrong password ${i}: ${r.status}`);
    }
    await login(owner, 'demo-manager');
    const notice = owner.locator('[data-sign-in-notice]');
    await notice.waitFor();
    assert((await notice.innerText()).includes('3'), await notice.innerText());
    await shots(owner, '26b-sign-in-notice');
    await owner.locator('[data-dismiss-sign-in-notice]').click();
    await notice.waitFor({ state: 'detached' });
  });
  await check('manager approves the officer’s proposal', async () => {
    await login(mgr, 'demo-manager');
    await mgr.goto(`${base}/bank/proposals`);
    await mgr.locator('[data-table=proposals]').waitFor();
    const row = proposalId ? mgr.locator(`[data-proposal="${proposalId}"]`) : mgr.locator('[data-proposal]').first();
    await row.waitFor();
    await shots(mgr, '27-bank-proposals-manager');
    await row.locator('[data-approve]').click();
    await mgr.locator('[data-decided]').waitFor();
    const app = await apiGet(officerTokens.access_token, `/api/bank/applications/${applicationId}`);
    assert(app.body.status === 'approved', `application is ${app.body.status}`);
  });
  await check('the enterprise sees the approval', async () => {
    await ent.goto(`${base}/enterprise/applications`);
    await ent.locator('[data-table=applications] tbody tr').first().waitFor();
    const text = await ent.locator('[data-table=applications]').innerText();
    assert(text.includes('质押登记中') || text.includes('已批准'), 'approval not shown to the enterprise');
  });
  await check('the enterprise gets the decision as an alert and marks it read', async () => {
    await ent.goto(`${base}/enterprise/alerts`);
    await ent.locator('[data-table=alerts] tbody tr').first().waitFor();
    const unread = async () => Number((await ent.locator('[data-unread]').innerText()).match(/\d+/)?.[0] ?? -1);
    const before = await unread();
    assert(before >= 1, `unread ${before}`);
    await shots(ent, '17-enterprise-alert-unread');
    await ent.locator('[data-mark-read]').first().click();
    await ent.waitForFunction((b) => Number(document.querySelector('[data-unread]')?.textContent?.match(/\d+/)?.[0]) === b - 1, before, { timeout: 10_000 });
  });

  let disbursementProposal = null;
  await check('officer registers every pledge and proposes the disbursement', async () => {
    await off.goto(`${base}/bank/registration`);
    await off.locator(`[data-open-registration="${applicationId}"]`).click();
    const pending = off.locator('[data-pledge-status=pending_registration]');
    await pending.first().waitFor();
    for (let i = 1; (await pending.count()) > 0; i++) {
      assert(i <= 10, 'pledges stay pending');
      const row = pending.first();
      await row.locator('[data-reg-no]').fill(`E2E-${applicationId}-${i}`);
      const res = off.waitForResponse((r) => r.url().includes(`/api/bank/applications/${applicationId}/registrations`));
      await row.locator('[data-reg-save]').click();
      const r = await res;
      assert(r.ok(), `registration refused: ${await r.text()}`);
      await off.locator('[data-reg-done]').waitFor();
      await off.waitForTimeout(150);
    }
    await shots(off, '28-bank-registration-done');
    const res = off.waitForResponse((r) => r.url().includes(`/api/bank/applications/${applicationId}/disbursement`));
    await off.click('[data-disburse]');
    const r = await res;
    const body = await r.json();
    assert(r.ok(), `disbursement refused: ${JSON.stringify(body)}`);
    disbursementProposal = body.id ?? body.proposal?.id ?? null;
  });
  await check('manager approves the disbursement: the loan exists and the enterprise sees it', async () => {
    await mgr.goto(`${base}/bank/proposals`);
    const row = disbursementProposal ? mgr.locator(`[data-proposal="${disbursementProposal}"]`) : mgr.locator('[data-proposal]').first();
    await row.locator('[data-approve]').click();
    await mgr.locator('[data-decided]').waitFor();
    const app = await apiGet(officerTokens.access_token, `/api/bank/applications/${applicationId}`);
    assert(app.body.loan_id, `no loan: ${app.body.status}`);
    await ent.goto(`${base}/enterprise/applications`);
    await ent.locator('[data-table=loans] tbody tr').first().waitFor();
    const loans = await ent.locator('[data-table=loans]').innerText();
    assert(loans.includes(String(app.body.loan_id)), `loan ${app.body.loan_id} not shown`);
    await shots(ent, '18-enterprise-loans');
    await mgr.goto(`${base}/bank/portfolio`);
    await mgr.click('[data-run-monitoring]');
    await mgr.locator('[data-run-result]').waitFor({ timeout: 30_000 });
  });

  await check('officer opens a disposal of a defaulted loan, records an offer, proposes the sale; the manager approves it', async () => {
    await off.goto(`${base}/bank/disposals`);
    const loan = off.locator('[data-defaulted]').first();
    await loan.waitFor();
    const opened = off.waitForResponse((r) => /\/api\/bank\/loans\/\d+\/disposals$/.test(r.url()) && r.request().method() === 'POST');
    await loan.locator('[data-open-disposal]').click();
    const o = await opened;
    assert(o.ok(), `disposal refused: ${await o.text()}`);
    const disposal = off.locator('[data-disposal-status=open]').first();
    await disposal.waitFor();
    const disposalId = await disposal.getAttribute('data-disposal');
    await disposal.locator('[data-bidder]').fill('北京知识产权交易中心');
    await disposal.locator('[data-offer-amount]').fill('150000');
    await disposal.locator('[data-add-offer]').click();
    await off.locator(`[data-disposal="${disposalId}"] [data-accept-offer]`).waitFor();
    const accepted = off.waitForResponse((r) => r.url().includes('/accept'));
    await off.locator(`[data-disposal="${disposalId}"] [data-accept-offer]`).click();
    const a = await accepted;
    assert(a.ok(), `acceptance refused: ${await a.text()}`);
    await shots(off, '29-bank-disposal-offer');
    await mgr.goto(`${base}/bank/proposals`);
    const row = mgr.locator('[data-proposal]', { hasText: '处置成交' }).first();
    await row.locator('[data-approve]').click();
    await mgr.locator('[data-decided]').waitFor();
    const d = await apiGet(officerTokens.access_token, `/api/bank/disposals/${disposalId}`);
    assert(d.body.status !== 'open' && d.body.proceeds_fen === 15_000_000, `disposal ${JSON.stringify(d.body).slice(0, 200)}`);
  });

  await check('a full repayment leaves the pledges registered; the officer proposes their release, the manager approves it', async () => {
    const loans = (await apiGet(officerTokens.access_token, '/api/bank/loans?status=active')).body;
    const loan = loans.find((l) => l.registered_pledges > 0 && !l.claim);
    assert(loan, 'no active loan with pledges');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const paid = await fetch(`${base}/api/bank/loans/${loan.loan_id}/repayments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${officerTokens.access_token}` },
      body: JSON.stringify({ paid_on: today, principal_fen: loan.outstanding_fen, interest_fen: 0 }),
    });
    assert(paid.status === 201, `repayment refused: ${paid.status} ${await paid.text()}`);
    await off.goto(`${base}/bank/portfolio`);
    const button = off.locator(`[data-propose-release="${loan.loan_id}"]`);
    await button.waitFor();
    await button.click();
    await off.locator('[data-release-proposed]').waitFor();
    await shots(off, '29b-bank-pledge-release-proposed');
    const still = (await apiGet(officerTokens.access_token, '/api/bank/loans?status=repaid')).body.find((l) => l.loan_id === loan.loan_id);
    assert(still && still.registered_pledges === loan.registered_pledges, 'pledges released before approval');
    await mgr.goto(`${base}/bank/proposals`);
    const row = mgr.locator('[data-proposal]', { hasText: '解除质押' }).first();
    await row.locator('[data-approve]').click();
    await mgr.locator('[data-decided]').waitFor();
    const after = (await apiGet(officerTokens.access_token, '/api/bank/loans?status=repaid')).body.find((l) => l.loan_id === loan.loan_id);
    assert(after && after.registered_pledges === 0, `pledges still registered: ${JSON.stringify(after)}`);
  });

  await check('a pledged patent changes only through the bank: the enterprise requests, the officer proposes, the manager approves', async () => {
    const loans = (await apiGet(entTokens.access_token, '/api/enterprise/loans')).body;
    const loan = loans.find((l) => l.status === 'active' && l.bank_id === bankId && l.patents?.length);
    assert(loan, 'no active loan of the demo bank with a pledged patent');
    const patentId = loan.patents[0].patent_id;
    const before = (await apiGet(entTokens.access_token, `/api/enterprise/patents/${patentId}`)).body;
    await ent.goto(`${base}/enterprise/patents`);
    await ent.locator('[data-table=patents] tbody tr').first().waitFor();
    let found = false;
    for (let p = 0; p < 60 && !found; p++) {
      if (await ent.locator(`[data-request-change="${before.patent_number}"]`).count()) found = true;
      else if (await ent.locator('[data-next-page]:not([disabled])').count()) {
        await ent.click('[data-next-page]');
        await ent.waitForLoadState('networkidle');
      } else break;
    }
    assert(found, `no change button for pledged patent ${before.patent_number}`);
    await ent.click(`[data-request-change="${before.patent_number}"]`);
    await ent.locator('[data-section=change-form]').waitFor();
    await ent.fill('[data-change-field=licenses]', String(before.licenses + 2));
    await ent.fill('[data-change-reason]', '新签两份许可合同');
    await shots(ent, '19-enterprise-change-request');
    await ent.click('[data-change-send]');
    await ent.locator('[data-change-note]').waitFor();
    await ent.locator(`[data-change-open="${before.patent_number}"]`).waitFor();
    await off.goto(`${base}/bank/change-requests`);
    const card = off.locator('[data-change-request]').first();
    await card.locator('[data-changed-field=licenses]').waitFor();
    await shots(off, '30-bank-change-requests');
    const proposed = off.waitForResponse((r) => /\/api\/bank\/patent-change-requests\/\d+\/proposals$/.test(r.url()));
    await card.locator('[data-change-accept]').click();
    const pr = await proposed;
    const proposal = await pr.json();
    assert(pr.ok(), `proposal refused: ${JSON.stringify(proposal)}`);
    await off.locator('[data-change-proposed]').waitFor();
    const still = (await apiGet(entTokens.access_token, `/api/enterprise/patents/${patentId}`)).body;
    assert(still.licenses === before.licenses, 'changed before the manager approved');
    await mgr.goto(`${base}/bank/proposals`);
    const row = mgr.locator(`[data-proposal="${proposal.id}"]`);
    await row.locator('[data-approve]').click();
    await mgr.locator('[data-decided]').waitFor();
    const after = (await apiGet(entTokens.access_token, `/api/enterprise/patents/${patentId}`)).body;
    assert(after.licenses === before.licenses + 2, `licenses ${after.licenses}`);
  });

  // --- Government officer ---
  const gov = await newPage();
  const govTokens = await apiLogin('demo-gov-officer');
  let claimProposal = null;
  let claimId = null;
  await check('government officer lands on the cockpit with only the government navigation', async () => {
    await login(gov, 'demo-gov-officer');
    assert(path(gov) === '/gov', `landed on ${path(gov)}`);
    const links = await navLinks(gov);
    assert(links.every((l) => l.startsWith('/gov')), `nav: ${links}`);
    await gov.locator('[data-cockpit]').waitFor();
    await gov.locator('[data-chart=gauge] canvas').first().waitFor();
    await shots(gov, '30-gov-cockpit');
  });
  await check('first load of the government cockpit (cold cache) is measured', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const session = JSON.stringify({ ...govTokens, username: 'demo-gov-officer' });
    await context.addInitScript((s) => sessionStorage.setItem('zhirong.session', s), session);
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(`${base}/gov`);
    await page.locator('[data-cockpit]').waitFor({ timeout: 20_000 });
    await page.locator('[data-chart=gauge] canvas').first().waitFor({ timeout: 20_000 });
    const ms = Date.now() - start;
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return n ? Math.round(n.domContentLoadedEventEnd) : null;
    });
    console.log(`cockpit first load: ${ms} ms to figures and gauges (DOMContentLoaded ${nav} ms), cold cache`);
    await context.close();
    assert(ms < 20_000, 'cockpit did not load');
  });
  await check('government officer proposes a claim approval', async () => {
    await gov.goto(`${base}/gov/claims`);
    await gov.locator('[data-table=claims] tbody tr').first().waitFor();
    const first = gov.locator('[data-claim]').first();
    claimId = await first.getAttribute('data-claim');
    await first.getByRole('button').click();
    await shots(gov, '31-gov-claims');
    const res = gov.waitForResponse((r) => r.url().includes(`/api/gov/claims/${claimId}/proposals`));
    await gov.click('[data-propose-claim]');
    const body = await (await res).json();
    assert((await res).ok(), `claim proposal refused: ${JSON.stringify(body)}`);
    claimProposal = body.id ?? body.proposal?.id ?? null;
    await gov.locator('[data-claim-proposed]').waitFor();
  });
  await check('an enterprise uploading another enterprise\'s number is told neutrally; the district decides the dispute', async () => {
    // A second enterprise of the demo district, as the claimant.
    const admin = await apiLogin('demo-admin');
    const govOrg = (await apiGet(govTokens.access_token, '/api/gov/organisation')).body.id;
    const profile = (await apiGet(entTokens.access_token, '/api/enterprise/profile')).body;
    const me = profile.id;
    const orgs = (await apiGet(admin.access_token, '/api/admin/organisations?kind=enterprise')).body;
    const other = orgs.find((o) => o.district_org_id === govOrg && o.id !== me);
    assert(other, 'another enterprise in the demo district');
    const created = await fetch(`${base}/api/admin/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.access_token}` },
      body: JSON.stringify({ username: 'e2e-claimant', role: 'enterprise_user', org_id: other.id, password: PASSWORD }),
    });
    assert(created.status === 201, `claimant user: ${created.status}`);
    const held = (await apiGet(entTokens.access_token, '/api/enterprise/patents?per_page=200')).body.items.find((p) => !p.pledged);
    const tpl = (await apiGet(entTokens.access_token, '/api/enterprise/patents/template.csv')).body;
    const cols = tpl.trim().split(/\r?\n/)[0].split(',');
    const csv = [cols.join(','), cols.map((c) => (held[c] === null || held[c] === undefined ? '' : String(held[c]))).join(',')].join('\n') + '\n';
    writeFileSync(join(workdir, 'claim.csv'), csv);
    const claimant = await newPage();
    await login(claimant, 'e2e-claimant');
    await claimant.goto(`${base}/enterprise/patents`);
    await claimant.setInputFiles('[data-upload-file]', join(workdir, 'claim.csv'));
    await claimant.locator('label.inline:has-text("仅导入有效行") input[type=checkbox]').check();
    await claimant.click('[data-upload-send]');
    await claimant.locator('[data-row-reason="1"]').waitFor();
    const reason = await claimant.locator('[data-row-reason="1"]').innerText();
    assert(reason.includes('已提交所在区'), `row reason: ${reason}`);
    assert(!reason.includes(profile.name) && !reason.includes(profile.uscc), `row reason names the holder: ${reason}`);
    await shots(claimant, '12-enterprise-claim-sent');
    await claimant.context().close();

    await gov.goto(`${base}/gov/disputes`);
    const row = gov.locator('[data-dispute]').first();
    await row.waitFor();
    assert((await row.innerText()).includes(held.patent_number), 'the dispute is listed');
    await row.locator('[data-dispute-show]').click();
    await gov.locator('[data-dispute-reason]').waitFor();
    await shots(gov, '36-gov-disputes');
    await gov.fill('[data-dispute-reason]', '登记簿显示原持有人为专利权人');
    const res = gov.waitForResponse((r) => r.url().includes('/decision'));
    await gov.click('[data-dispute-keep]');
    assert((await res).ok(), `decision refused: ${(await res).status()}`);
    await gov.locator('[data-dispute-decided]').waitFor();
  });
  await check(`financing report ${hasFinancing ? 'by bank, district, industry and month' : 'shows its error state (route not on this server)'}`, async () => {
    await gov.goto(`${base}/gov/financing`);
    if (!hasFinancing) {
      await gov.locator('[data-report-missing]').waitFor();
      await shots(gov, '32-gov-financing');
      return;
    }
    for (const g of ['bank', 'district', 'industry', 'month']) {
      await gov.click(`[data-group=${g}]`);
      await gov.locator('[data-table=financing] tbody tr').first().waitFor();
      await gov.locator('[data-chart=financing] canvas').waitFor();
      await shots(gov, `32-gov-financing-${g}`);
    }
  });
  await check('depletion simulation runs with progress and draws the distribution', async () => {
    await gov.goto(`${base}/gov/simulation`);
    await gov.locator('[data-start-simulation]:not([disabled])').waitFor();
    await gov.fill('input[name=scenarios]', '5000');
    await gov.click('[data-start-simulation]');
    await gov.locator('[data-sim-result]').waitFor({ timeout: 60_000 });
    await gov.locator('[data-chart=distribution] canvas').waitFor();
    await shots(gov, '33-gov-simulation');
  });
  await check('whitelist with its CSV export', async () => {
    await gov.goto(`${base}/gov/whitelist`);
    await gov.locator('[data-export-whitelist]').waitFor();
    await gov.waitForLoadState('networkidle');
    const dl = gov.waitForEvent('download', { timeout: 15_000 });
    await gov.click('[data-export-whitelist]');
    const file = await (await dl).path();
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(file, 'utf8');
    assert(/[\u4e00-\u9fff]/.test(text.split('\n')[0]), 'CSV header not Chinese');
    await shots(gov, '34-gov-whitelist');
    await gov.goto(`${base}/gov/proposals`);
    await gov.locator('h1').waitFor();
    await shots(gov, '35-gov-proposals-officer');
  });
  await check('government officer cannot reach bank or enterprise pages by URL', async () => {
    await expectRedirect(gov, '/bank/queue', '/gov');
    await expectRedirect(gov, '/enterprise/patents', '/gov');
    const r = await apiGet(govTokens.access_token, '/api/enterprise/patents');
    assert(r.status === 403, `API answered ${r.status}`);
  });

  // --- Government manager ---
  const gm = await newPage();
  await check('government manager approves the claim; the pool pays it', async () => {
    await login(gm, 'demo-gov-manager');
    await gm.goto(`${base}/gov/proposals`);
    await gm.locator('[data-table=proposals]').waitFor();
    const row = claimProposal ? gm.locator(`[data-proposal="${claimProposal}"]`) : gm.locator('[data-proposal]').first();
    await row.waitFor();
    await shots(gm, '36-gov-proposals-manager');
    await row.locator('[data-approve]').click();
    await gm.locator('[data-decided]').waitFor();
    const gmTokens = await apiLogin('demo-gov-manager');
    const claim = await apiGet(gmTokens.access_token, `/api/gov/claims/${claimId}`);
    assert(claim.body.status === 'paid', `claim is ${claim.body.status}`);
    await gm.goto(`${base}/gov`);
    await gm.locator('[data-cockpit]').waitFor();
  });

  // --- Admin ---
  const adm = await newPage();
  await check('administrator sees the users page only', async () => {
    await login(adm, 'demo-admin');
    assert(path(adm) === '/admin', `landed on ${path(adm)}`);
    await adm.locator('table').first().waitFor();
    await shots(adm, '40-admin');
    await expectRedirect(adm, '/gov', '/admin');
  });
  await check('the operator\'s new user in a bank is sent to the bank\'s manager, who approves it', async () => {
    const bank = (await apiLogin('demo-manager')).org_id;
    await adm.fill('[data-new-user] input[name=username]', 'e2e-new-officer');
    await adm.selectOption('[data-new-user] select[name=role]', 'bank_officer');
    await adm.selectOption('[data-new-user] select[name=org_id]', String(bank));
    await adm.fill('[data-new-user] input[name=password]', 'an e2e officer passphrase');
    await adm.click('[data-new-user] button[type=submit]');
    const outcome = await adm.locator('[data-user-outcome]').textContent();
    assert(/#\d+/.test(outcome), `outcome: ${outcome}`);
    await adm.locator('[data-user-proposal]').first().waitFor();
    await shots(adm, '41-admin-user-proposal');
    await mgr.goto(`${base}/bank/proposals`);
    const row = mgr.locator('[data-proposal]', { hasText: 'e2e-new-officer' });
    await row.waitFor();
    assert(!(await row.textContent()).includes('passphrase'), 'no password in the proposal');
    await row.locator('[data-approve]').click();
    await mgr.locator('[data-decided]').waitFor();
  });
  await check('a reset officer changes the password at sign-in before anything else', async () => {
    const admTokens = await apiLogin('demo-admin');
    const users = (await apiGet(admTokens.access_token, '/api/admin/users')).body;
    const officer = users.find((u) => u.username === 'e2e-new-officer');
    assert(officer, 'the approved officer exists');
    const reset = await fetch(`${base}/api/admin/users/${officer.id}/reset-password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admTokens.access_token}` },
      body: JSON.stringify({ password: 'a one-time e2e passphrase' }),
    });
    assert(reset.status === 202, `reset: ${reset.status}`);
    const proposal = (await reset.json()).id;
    const mTokens = await apiLogin('demo-manager');
    const ok = await fetch(`${base}/api/bank/proposals/${proposal}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${mTokens.access_token}` },
      body: '{}',
    });
    assert(ok.status === 200, `approve: ${ok.status}`);
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', 'e2e-new-officer');
    await page.fill('input[name=password]', 'a one-time e2e passphrase');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/password');
    await page.locator('[data-password-required]').waitFor();
    await expectRedirect(page, '/bank/queue', '/password');
    await shots(page, '42-password-required');
    await page.fill('input[name=old_password]', 'a one-time e2e passphrase');
    await page.fill('input[name=new_password]', 'the officer chose this one');
    await page.fill('input[name=new_password_again]', 'the officer chose this one');
    await page.click('[data-password-form] button[type=submit]');
    await page.waitForURL((u) => u.pathname.startsWith('/bank'));
    assert(page.problems.length === 0, page.problems.join(' | '));
  });
  await check('signing out ends the session: back to the login page, the old token refused', async () => {
    const token = await adm.evaluate(() => JSON.parse(sessionStorage.getItem('zhirong.session')).access_token);
    await adm.click('[data-logout]');
    await adm.waitForURL((u) => u.pathname === '/login');
    await expectRedirect(adm, '/admin', '/login');
    const r = await apiGet(token, '/api/auth/me');
    assert(r.status === 401, `old token answered ${r.status}`);
  });

  await check('no script errors on any page', async () => {
    const all = [anon, ent, off, mgr, owner, gov, gm, adm].flatMap((p) => p.problems);
    assert(!all.length, all.slice(0, 5).join(' | '));
  });
}

main()
  .catch((e) => {
    failed += 1;
    console.log(`✗ setup: ${e?.message ?? e}`);
  })
  .finally(async () => {
    clearTimeout(watchdog);
    await cleanup();
    if (failures.length) console.log(`failed: ${failures.join('; ')}`);
    console.log(`screenshots in ${ARTEFACTS}`);
    finish(failed ? 1 : 0);
  });
