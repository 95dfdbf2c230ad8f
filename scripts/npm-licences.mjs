#!/usr/bin/env node
// Licence and source inventory of the dashboards' npm dependencies, offline: the stand-in for
// `npm audit` on a machine whose registry has no advisory endpoint. It reads
// dashboards/package-lock.json (lockfile v3) and, where installed, node_modules/*/package.json.
//   node scripts/npm-licences.mjs          production dependencies (what `npm ls --omit=dev` has)
//   node scripts/npm-licences.mjs --all    every package in the lockfile, dev tools too
//   add --quiet to leave out the rows that are ok or reviewed (the summary stays)
// Prints name, version, licence and a flag per package, and fails (exit 1) on:
//   - a licence that is not on the permissive list below and not reviewed in REVIEWED,
//   - a licence in node_modules that differs from the lockfile's,
//   - a package not from the registry with an sha512 integrity hash (git, file: or link
//     sources, a tarball URL that is not https, or tarballs from more than one host).
// Nothing is fetched and package.json / package-lock.json are only read.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "dashboards");
const args = new Set(process.argv.slice(2));
const all = args.has("--all");
const quiet = args.has("--quiet");

// SPDX identifiers that need nothing of us beyond keeping the notice.
const PERMISSIVE = new Set([
  "MIT", "MIT-0", "ISC", "0BSD", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "Zlib",
  "Unlicense", "CC0-1.0", "BlueOak-1.0.0", "Python-2.0",
]);

// Non-permissive licences looked at and accepted, by package name (a prefix ending in '*'
// covers the platform builds), with the licence they were accepted under and why. A package
// that changes licence is flagged again.
const REVIEWED = [
  {
    name: "lightningcss*",
    licence: "MPL-2.0",
    why: "vite's CSS minifier (in the --omit=dev tree only through vite, vue-router's optional " +
      "peer): a build tool used unmodified, none of its code is in dist/; MPL-2.0 is file-level " +
      "copyleft and would bind only changes to its own files",
  },
];

function reviewed(name, licence) {
  return REVIEWED.find((r) =>
    r.licence === licence &&
    (r.name.endsWith("*") ? name.startsWith(r.name.slice(0, -1)) : name === r.name));
}

// The licence text of a package.json: SPDX string, the old {type} object or `licenses` list.
function licenceOf(pkg) {
  if (!pkg) return undefined;
  const l = pkg.license ?? pkg.licenses;
  if (typeof l === "string") return l;
  if (Array.isArray(l)) return l.map((x) => (typeof x === "string" ? x : x.type)).join(" OR ");
  if (l && typeof l === "object") return l.type;
  return undefined;
}

// Whether an SPDX expression can be met with permissive licences only: OR needs one side,
// AND (and WITH, an exception only loosens) needs every side.
function permissive(expr) {
  const tokens = expr.replace(/[()]/g, " $& ").trim().split(/\s+/);
  let i = 0;
  const primary = () => {
    const t = tokens[i++];
    if (t === "(") {
      const v = or();
      i++; // ")"
      return v;
    }
    if (tokens[i] === "WITH") i += 2; // an exception only loosens the licence
    return PERMISSIVE.has(t?.replace(/\+$/, ""));
  };
  const and = () => {
    let v = primary();
    while (tokens[i] === "AND") { i++; v = primary() && v; }
    return v;
  };
  const or = () => {
    let v = and();
    while (tokens[i] === "OR") { i++; v = and() || v; }
    return v;
  };
  try {
    const v = or();
    return i === tokens.length && v;
  } catch {
    return false;
  }
}

const lockPath = join(root, "package-lock.json");
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
if (lock.lockfileVersion < 2) {
  console.error(`${lockPath}: lockfile v${lock.lockfileVersion}; v2 or later is needed`);
  process.exit(2);
}
const packages = lock.packages;
const installed = existsSync(join(root, "node_modules"));

// Node's lookup in the lockfile: `name` required from the package at `from` is the nearest
// node_modules/name walking up from it.
function resolve(from, name) {
  let base = from;
  for (;;) {
    const key = (base ? base + "/" : "") + "node_modules/" + name;
    if (packages[key]) return key;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

// The production tree, as `npm ls --omit=dev` sees it: from the root's dependencies, through
// dependencies, optional dependencies (every platform's build, installed or not) and peers.
// An optional peer counts where the lockfile has it: vue-router names vite as one, so vite and
// its own dependencies are in this tree although they only build dist/.
function productionKeys() {
  const seen = new Set();
  const queue = [""];
  while (queue.length) {
    const key = queue.shift();
    const p = packages[key];
    const optional = { ...p.optionalDependencies };
    for (const [n, meta] of Object.entries(p.peerDependenciesMeta ?? {})) if (meta.optional) optional[n] = true;
    const names = [
      ...Object.keys(p.dependencies ?? {}),
      ...Object.keys(p.optionalDependencies ?? {}),
      ...Object.keys(p.peerDependencies ?? {}),
    ];
    for (const n of names) {
      const dep = resolve(key, n);
      if (dep === undefined) {
        if (!optional[n]) console.error(`warning: ${key || "root"} needs ${n}, not in the lockfile`);
        continue;
      }
      if (!seen.has(dep)) { seen.add(dep); queue.push(dep); }
    }
  }
  return seen;
}

const keys = all
  ? Object.keys(packages).filter((k) => k !== "")
  : [...productionKeys()];
keys.sort();

const nameOf = (key) => packages[key].name ?? key.slice(key.lastIndexOf("node_modules/") + 13);
const rows = [];
const problems = [];
const hosts = new Map();
const counts = new Map();

for (const key of keys) {
  const p = packages[key];
  const name = nameOf(key);
  const version = p.version ?? "?";
  let licence = licenceOf(p);
  let note = "";
  const manifest = join(root, key, "package.json");
  if (installed && existsSync(manifest)) {
    const onDisk = licenceOf(JSON.parse(readFileSync(manifest, "utf8")));
    if (licence === undefined) licence = onDisk;
    else if (onDisk !== undefined && onDisk !== licence) {
      problems.push(`${name}@${version}: licence ${licence} in the lockfile, ${onDisk} in node_modules`);
      note = "LOCK/DISK DIFFER";
    }
  } else if (!p.optional && !p.devOptional && installed) {
    note = "not installed";
  }
  licence ??= "UNKNOWN";
  let flag = "ok";
  if (!permissive(licence)) {
    const r = reviewed(name, licence);
    if (r) flag = "reviewed";
    else {
      flag = "NOT PERMISSIVE";
      problems.push(`${name}@${version}: ${licence} is not a permissive licence and is not reviewed`);
    }
  }
  // Source: the registry. A lockfile without `resolved` (as this one is written) names the
  // package by name and version, fetched from the configured registry; a `resolved` that is
  // there must be an https tarball. Git and file: sources show as a non-semver version.
  if (p.link) {
    problems.push(`${name}: a link to ${p.resolved} (not from the registry)`);
  } else {
    if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(version)) {
      problems.push(`${name}: version '${version}' is not a registry release`);
    }
    if (p.resolved !== undefined) {
      const m = /^https:\/\/([^/]+)\/.+\.tgz$/.exec(p.resolved);
      if (!m) problems.push(`${name}@${version}: source '${p.resolved}' is not a registry tarball`);
      else hosts.set(m[1], (hosts.get(m[1]) ?? 0) + 1);
    }
    if (!(p.integrity ?? "").startsWith("sha512-")) problems.push(`${name}@${version}: no sha512 integrity hash`);
  }
  counts.set(licence, (counts.get(licence) ?? 0) + 1);
  rows.push([name, version, licence, flag + (note ? ` (${note})` : "")]);
}
if (hosts.size > 1) {
  problems.push(`tarballs come from ${hosts.size} hosts: ${[...hosts].map(([h, n]) => `${h} (${n})`).join(", ")}`);
}

const width = (i) => Math.max(...rows.map((r) => r[i].length), 8);
for (const r of rows) {
  if (quiet && (r[3].startsWith("ok") || r[3] === "reviewed")) continue;
  console.log(`${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2].padEnd(width(2))}  ${r[3]}`);
}
for (const r of REVIEWED) {
  const n = rows.filter((row) => row[3].startsWith("reviewed") && reviewed(row[0], row[2]) === r).length;
  if (n) console.log(`reviewed: ${r.name} (${r.licence}, ${n} package${n > 1 ? "s" : ""}): ${r.why}`);
}
const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${n} ${l}`).join(", ");
console.log(`npm ${all ? "all" : "production"} dependencies: ${rows.length} packages` +
  `${installed ? "" : " (node_modules not installed: lockfile only)"}; licences: ${summary}`);
if (problems.length) {
  for (const p of problems) console.error(`error: ${p}`);
  console.error(`npm licence check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("npm licence check: ok");
