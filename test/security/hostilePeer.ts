/**
 * The hostile-peer rig (issue 18): four stations made with the real CLI — the victim N0VIC, a
 * trusted but hostile peer N0BAD, an honest peer N0HON and a third station N0CCC — all trusting
 * each other, each with a folder. The hostile peer crafts changesets the way a stolen laptop
 * could: real keys, real signatures, any bytes inside. `craft` builds them either in changeset
 * format 1 (no origin signatures: what the code before issue 18 read) or format 2 (origin
 * signatures made with N0BAD's key, valid only for N0BAD's own origin), skipping the encoder's
 * checks, so each attack reaches the victim's real `import`.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { radiosync, type RunResult } from '../cli/cliHarness.js';
import { createEmptySampleDb } from '../../src/demo/sampleData.js';
import { parsePrivateKeys } from '../../src/station/keys.js';
import { homeLayout } from '../../src/station/home.js';
import type { Changeset, RowChange, FieldValue } from '../../src/changeset/Changeset.js';
import { changesetToTree } from '../../src/changeset/encodeTree.js';
import { cborEncoder } from '../../src/changeset/cbor.js';
import { decodeChangeset } from '../../src/changeset/codec.js';
import { deflate } from '../../src/changeset/compress.js';
import { sealEnvelope } from '../../src/auth/envelope.js';
import { signOrigin } from '../../src/auth/originSignature.js';
import { decodeBundle, encodeBundle, BundleItemKind } from '../../src/bundle/bundle.js';
import { CHAIN_ZERO, chainStep } from '../../src/store/chain.js';
import { uuidToBytes } from '../../src/store/uuid.js';
import type { Cbor } from '../../src/changeset/tree.js';

export const CALLS = { victim: 'N0VIC', bad: 'N0BAD', honest: 'N0HON', third: 'N0CCC' } as const;
export type Role = keyof typeof CALLS;

export interface Rig {
  dir: string;
  home: Record<Role, string>;
  db: Record<Role, string>;
  folder: Record<Role, string>;
  /** Chain heads of the hostile peer's crafted runs, per origin (what the victim will hold). */
  heads: Map<string, { seq: number; head: Uint8Array }>;
}

export function makeRig(dir: string): Rig {
  const roles = Object.keys(CALLS) as Role[];
  const rig: Rig = { dir, home: {} as Rig['home'], db: {} as Rig['db'], folder: {} as Rig['folder'], heads: new Map() };
  for (const r of roles) {
    rig.home[r] = join(dir, r);
    rig.db[r] = join(dir, `${r}.sqlite`);
    rig.folder[r] = join(dir, `${r}-docs`);
    mkdirSync(rig.folder[r], { recursive: true });
    createEmptySampleDb(rig.db[r]);
    const init = radiosync(['init', '--home', rig.home[r], '--callsign', CALLS[r], '--db', rig.db[r], '--tables', 'shelter,person,supply_request', '--folder', `docs=${rig.folder[r]}`]);
    assert.equal(init.code, 0, init.stderr);
  }
  const keys = Object.fromEntries(roles.map((r) => [r, radiosync(['key', '--home', rig.home[r]]).stdout.trim()]));
  for (const a of roles) for (const b of roles) if (a !== b) assert.equal(radiosync(['peer', 'add', CALLS[b], '--key', keys[b]!, '--home', rig.home[a]]).code, 0);
  return rig;
}

export function cli(rig: Rig, role: Role, args: string[], env?: Record<string, string>): RunResult {
  return radiosync([...args, '--home', rig.home[role]], env ? { env } : {});
}

/** Export from `from` to `to` with the real binary; returns the bundle path. */
export function exportTo(rig: Rig, from: Role, to: Role, name = `${from}-to-${to}-${Date.now()}-${Math.random()}.rsb`): string {
  const out = join(rig.dir, name);
  const r = cli(rig, from, ['export', '--to', CALLS[to], '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

export function importInto(rig: Rig, role: Role, file: string, env?: Record<string, string>): RunResult {
  return cli(rig, role, ['import', file, '--json'], env);
}

/**
 * Import a crafted bundle. Its own verdict is not what is tested: exit 0 (applied), 1 (partly:
 * something refused, the stations differ) or 3 (nothing applied) are all typed outcomes; a crash
 * (70) or any other code fails. Returns the result for further checks.
 */
export function importCrafted(rig: Rig, file: string, env?: Record<string, string>): RunResult {
  const r = importInto(rig, 'victim', file, env);
  assert.ok([0, 1, 3].includes(r.code), `exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
}

export function person(first: string, age: FieldValue = 30): Record<string, FieldValue> {
  return { first_name: first, last_name: 'Test', age, status: 'ok' };
}

export function newId(): { uuid: string; id: Uint8Array } {
  const uuid = randomUUID();
  return { uuid, id: uuidToBytes(uuid) };
}

/** 8 random bytes naming a crafted export (bundle format 2). */
export function randomExportId(): Uint8Array {
  return new Uint8Array(randomBytes(8));
}

export function hlcAt(ms: number, counter = 0): bigint {
  return (BigInt(ms) << 16n) | BigInt(counter);
}

export interface CraftOptions {
  format: 1 | 2;
  /** Change the CBOR tree after it is built (to reach values the encoder refuses). */
  tree?: (t: Cbor[]) => void;
  /** Advance the rig's chain heads (default true; false for a changeset the victim must refuse). */
  keepHeads?: boolean;
}

/** A changeset of `changes` from N0BAD to N0VIC, signed with N0BAD's real key, as a bundle file. */
export function craft(rig: Rig, changes: RowChange[], opts: CraftOptions, extra: Partial<Changeset> = {}): string {
  // The key file only: opening the station would migrate its database to this code's schema.
  const bad = { keys: parsePrivateKeys(readFileSync(homeLayout(rig.home.bad).keyFile, 'utf8')) };
  {
    const cs: Changeset = { version: 1, from: CALLS.bad, to: [CALLS.victim], created: Date.now(), upto: {}, changes, chunks: [], ...extra };
    if (opts.format === 2) {
      const sigs: Record<string, Uint8Array> = {};
      const heads = new Map(rig.heads);
      for (const c of changes) {
        const h = heads.get(c.origin) ?? { seq: 0, head: CHAIN_ZERO };
        heads.set(c.origin, { seq: c.seq, head: chainStep(h.head, c) });
      }
      for (const [origin, h] of heads) if (changes.some((c) => c.origin === origin)) sigs[origin] = signOrigin(bad.keys.signPrivate, origin, h.seq, h.head);
      cs.sigs = sigs;
      if (opts.keepHeads !== false) rig.heads = heads;
    }
    const tree = changesetToTree(cs) as Cbor[];
    opts.tree?.(tree);
    const cbor = cborEncoder.encode(tree) as Uint8Array;
    const body = deflate(cbor);
    const payload = new Uint8Array(1 + body.length);
    payload[0] = (opts.format << 4) | 0;
    payload.set(body, 1);
    const env = sealEnvelope(payload, CALLS.bad, bad.keys.signPrivate);
    const file = join(rig.dir, `crafted-${Date.now()}-${Math.random().toString(36).slice(2)}.rsb`);
    writeFileSync(file, encodeBundle({ from: CALLS.bad, to: [CALLS.victim], created: Date.now(), exportId: randomExportId(), part: 1, parts: 1, items: [{ kind: BundleItemKind.Changeset, data: env }] }));
    return file;
  }
}

/** The changeset inside a real bundle the hostile peer exported (to tamper with and craft again). */
export function changesetOf(file: string): Changeset {
  const b = decodeBundle(new Uint8Array(readFileSync(file)));
  const env = b.items.find((i) => i.kind === BundleItemKind.Changeset)!.data;
  const n = env[1]!;
  return decodeChangeset(env.slice(2 + n, env.length - 64));
}

export function row(db: string, uuid: string): Record<string, unknown> | undefined {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT * FROM person WHERE uuid = ?').get(uuid) as Record<string, unknown> | undefined;
  } finally {
    d.close();
  }
}

export function sql(db: string, text: string, ...params: unknown[]): void {
  const d = new Database(db);
  try {
    d.prepare(text).run(...params);
  } finally {
    d.close();
  }
}

export function query<T>(db: string, text: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(text).all(...params) as T[];
  } finally {
    d.close();
  }
}

/**
 * PRAGMA integrity_check is ok, and the victim still syncs both ways with the honest peer. With
 * `parked`, the attack left a row parked at the victim (a value that does not fit), which the
 * victim relays: every import at either end says so (exit 1, RS_ERR_SYNC_WAITING) while the honest
 * rows still go in both ways.
 */
export function assertHealthy(rig: Rig, opts: { outbound?: boolean; relayBacklog?: boolean; parked?: boolean } = {}): void {
  assert.deepEqual(query<{ integrity_check: string }>(rig.db.victim, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  const { uuid } = newId();
  sql(rig.db.honest, 'INSERT INTO person(uuid, first_name, last_name, age, status) VALUES (?, ?, ?, ?, ?)', uuid, 'Honest', 'Peer', 41, 'ok');
  const toVictim = importInto(rig, 'victim', exportTo(rig, 'honest', 'victim'));
  if (opts.parked === true) {
    assert.equal(toVictim.code, 1, toVictim.stderr);
    assert.match(toVictim.stderr, /RS_ERR_SYNC_WAITING/);
  } else assert.equal(toVictim.code, 0, toVictim.stderr);
  assert.equal(row(rig.db.victim, uuid)?.['first_name'], 'Honest', 'the honest peer\'s row arrived');
  if (opts.outbound === false) {
    const back = importInto(rig, 'honest', exportTo(rig, 'victim', 'honest'));
    assert.equal(back.code, 0, back.stderr);
    return;
  }
  const { uuid: mine } = newId();
  sql(rig.db.victim, 'INSERT INTO person(uuid, first_name, last_name, age, status) VALUES (?, ?, ?, ?, ?)', mine, 'Victim', 'Own', 52, 'ok');
  const back = importInto(rig, 'honest', exportTo(rig, 'victim', 'honest'));
  // With relay rows the victim did not keep (quota), the honest peer lacks them: "differs" (exit 1).
  if (opts.relayBacklog === true) assert.ok([0, 1].includes(back.code), back.stderr);
  else if (opts.parked === true) {
    // the victim relays the row that does not fit: it parks at the honest peer too, and says so
    assert.equal(back.code, 1, back.stderr);
    assert.match(back.stderr, /RS_ERR_SYNC_WAITING/);
  } else assert.equal(back.code, 0, back.stderr);
  assert.equal(row(rig.db.honest, mine)?.['first_name'], 'Victim', 'the victim\'s own edit reached the honest peer');
}

/** Files under `root` whose name marks a radiosync temp file. */
export function tempFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.startsWith('.radiosync-tmp')) out.push(p);
    }
  };
  walk(root);
  return out;
}
