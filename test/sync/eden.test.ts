/**
 * Sahana Eden compatibility (issue #14 item 7): two stations on an Eden-shaped database
 * (fixtures/gen/edenApp.ts: integer ids, uuid, created_on/modified_on, deleted/deleted_fk,
 * owned_by_*, reference rows with fixed UUIDs at different local ids) sync end to end, by bundle
 * and over the simulator on virtual time. Tables compare equal by UUID with references followed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { initStation, Station } from '../../src/station/Station.js';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { createEdenDb, EDEN_COUNTRIES, EDEN_SYSTEM_ORG, EDEN_TABLE_CONFIG, EDEN_TABLES } from '../../fixtures/gen/edenApp.js';
import { tempDir } from './stations.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** HQ installs forward, the field station in reverse order: the reference rows' local ids differ. */
function edenStations(dir: string, clock?: ManualClock): [Station, Station] {
  const made = (['N0HQ', 'N0FLD'] as const).map((call, i) => {
    const db = join(dir, `${call}.sqlite`);
    createEdenDb(db, i === 0 ? 'forward' : 'reverse');
    initStation({ home: join(dir, call), callsign: call, db, tables: EDEN_TABLES, overrides: EDEN_TABLE_CONFIG, ...(clock ? { clock } : {}) });
    return Station.open(join(dir, call), clock ? { clock, env: {} } : { env: {} });
  });
  const [hq, fld] = made as [Station, Station];
  hq.addPeer(fld.callsign, fld.publicKey());
  fld.addPeer(hq.callsign, hq.publicKey());
  return [hq, fld];
}

const uuid = (i: number): string => `e0e0e0e0-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const NOW = '2026-11-21 12:00:00';

/** HQ's data entry, the way Eden's forms write it: meta fields filled, references by local id. */
function hqEntry(db: Database.Database, persons = 40): void {
  db.transaction(() => {
    const id = (t: string, u: string) => (db.prepare(`SELECT id FROM ${t} WHERE uuid = ?`).get(u) as { id: number }).id;
    const nepal = id('gis_location', EDEN_COUNTRIES[0].uuid);
    const loc = db.prepare(`INSERT INTO gis_location(uuid, name, level, parent, lat, lon, created_on, modified_on, owned_by_user, owned_by_group) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 3)`);
    loc.run(uuid(1), 'Gorkha', 'L1', nepal, 28.0, 84.6, NOW, NOW);
    loc.run(uuid(2), 'Barpak', 'L2', id('gis_location', uuid(1)), 28.2, 84.7, NOW, NOW);
    db.prepare(`INSERT INTO org_organisation(uuid, name, acronym, created_on, modified_on, owned_by_user) VALUES (?, 'Nepal Red Cross Society', 'NRCS', ?, ?, 1)`).run(uuid(10), NOW, NOW);
    db.prepare(`INSERT INTO org_office(uuid, name, code, organisation_id, location_id, created_on, modified_on, owned_by_user) VALUES (?, 'Gorkha branch', 'GRK', ?, ?, ?, ?, 1)`).run(
      uuid(20), id('org_organisation', uuid(10)), id('gis_location', uuid(2)), NOW, NOW,
    );
    db.prepare(`INSERT INTO org_office(uuid, name, organisation_id, location_id, created_on, modified_on) VALUES (?, 'System office', ?, ?, ?, ?)`).run(
      uuid(21), id('org_organisation', EDEN_SYSTEM_ORG.uuid), nepal, NOW, NOW,
    );
    const p = db.prepare(`INSERT INTO pr_person(uuid, first_name, last_name, gender, date_of_birth, created_on, modified_on, owned_by_user, owned_by_group) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 3)`);
    const hr = db.prepare(`INSERT INTO hrm_human_resource(uuid, person_id, organisation_id, job_title, type, status, created_on, modified_on, owned_by_user) VALUES (?, ?, ?, 'Volunteer', 2, 1, ?, ?, 1)`);
    for (let i = 0; i < persons; i++) {
      p.run(uuid(100 + i), `Person${i}`, `Family${i % 7}`, 2 + (i % 2), `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`, NOW, NOW);
      hr.run(uuid(500 + i), id('pr_person', uuid(100 + i)), id('org_organisation', uuid(10)), NOW, NOW);
    }
  })();
}

/** The field station's edits: a new person and deployment, an edit, and an Eden soft delete. */
function fieldEntry(db: Database.Database): void {
  db.transaction(() => {
    const id = (t: string, u: string) => (db.prepare(`SELECT id FROM ${t} WHERE uuid = ?`).get(u) as { id: number }).id;
    db.prepare(`INSERT INTO pr_person(uuid, first_name, last_name, created_on, modified_on, owned_by_user) VALUES (?, 'Sita', 'Gurung', ?, ?, 2)`).run(uuid(900), NOW, NOW);
    db.prepare(`INSERT INTO hrm_human_resource(uuid, person_id, organisation_id, job_title, created_on, modified_on) VALUES (?, ?, ?, 'Team leader', ?, ?)`).run(
      uuid(901), id('pr_person', uuid(900)), id('org_organisation', uuid(10)), NOW, NOW,
    );
    db.prepare(`UPDATE org_office SET phone1 = '+977 64 420 000', modified_on = ? WHERE uuid = ?`).run('2026-11-22 08:00:00', uuid(20));
    // Eden's delete: one write keeps the row with deleted = True, deleted_fk naming the references
    // it held (by the referenced rows' UUIDs here, as local ids differ), and the references cleared
    db.prepare(
      `UPDATE hrm_human_resource SET deleted = 1, modified_on = ?,
         deleted_fk = json_object('person_id', (SELECT uuid FROM pr_person WHERE id = person_id)), person_id = NULL WHERE uuid = ?`,
    ).run('2026-11-22 09:00:00', uuid(503));
  })();
}

/**
 * Synced tables equal by UUID with references followed, soft-deleted rows included: what Eden's
 * deleting write set beside the flag (deleted_fk and the cleared reference) arrives too; modified_on is a local column.
 */
function assertSameEden(a: Station, b: Station): void {
  assert.deepEqual(tableFingerprints(a.records), tableFingerprints(b.records));
  const hr = (st: Station, deleted: 0 | 1) =>
    st.records.db.prepare(
      `SELECT h.uuid, h.job_title, h.type, h.status, h.created_on, h.deleted_fk, p.uuid AS person, o.uuid AS org
       FROM hrm_human_resource h LEFT JOIN pr_person p ON p.id = h.person_id LEFT JOIN org_organisation o ON o.id = h.organisation_id
       WHERE h.deleted = ? ORDER BY h.uuid`,
    ).all(deleted) as Array<Record<string, unknown>>;
  assert.deepEqual(hr(a, 0), hr(b, 0), 'live human resources equal');
  assert.deepEqual(hr(a, 1), hr(b, 1), 'soft-deleted human resources equal, with what the deleting write set');
  assert.ok(hr(a, 0).length >= 40);
  assert.ok(hr(a, 1).length >= 1);
}

/** A row's references, followed to the referenced rows' UUIDs (local ids differ between stations). */
function officeRefs(st: Station): { org: string; loc: string; locParent: string; locGrandparent: string } {
  return st.records.db.prepare(
    `SELECT o.uuid AS org, l.uuid AS loc, p.uuid AS locParent, g.uuid AS locGrandparent
     FROM org_office f JOIN org_organisation o ON o.id = f.organisation_id JOIN gis_location l ON l.id = f.location_id
     JOIN gis_location p ON p.id = l.parent JOIN gis_location g ON g.id = p.parent WHERE f.uuid = ?`,
  ).get(uuid(20)) as { org: string; loc: string; locParent: string; locGrandparent: string };
}

test('Eden-shaped database: HQ to field and back by bundle; references by UUID, fixed reference rows never sent, auth ids stay local, soft delete syncs', async () => {
  const { dir, cleanup } = tempDir('radiosync-eden-');
  const [hq, fld] = edenStations(dir);
  try {
    const idOf = (st: Station, u: string) => (st.records.db.prepare('SELECT id FROM gis_location WHERE uuid = ?').get(u) as { id: number }).id;
    assert.notEqual(idOf(hq, EDEN_COUNTRIES[0].uuid), idOf(fld, EDEN_COUNTRIES[0].uuid), 'the fixture gives the countries different local ids');

    hqEntry(hq.records.db);
    const ex = exportBundle(hq, ['N0FLD']);
    assert.equal(ex.rows, 2 + 1 + 2 + 40 + 40, 'HQ\'s own rows only: no country, no system organisation');
    await importBundle(fld, ex.bytes);
    assert.deepEqual(tableFingerprints(fld.records), tableFingerprints(hq.records));
    assert.deepEqual(officeRefs(fld), officeRefs(hq));
    assert.equal(officeRefs(fld).locGrandparent, EDEN_COUNTRIES[0].uuid, 'the self-reference chain ends at the fixed country');
    const sys = fld.records.db.prepare(`SELECT o.uuid AS u FROM org_office f JOIN org_organisation o ON o.id = f.organisation_id WHERE f.uuid = ?`).get(uuid(21)) as { u: string };
    assert.equal(sys.u, EDEN_SYSTEM_ORG.uuid, 'a reference to the fixed system organisation lands on the field station\'s own copy');
    for (const t of ['gis_location', 'org_organisation']) {
      const n = (st: Station) => (st.records.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      assert.equal(n(fld), n(hq), `${t}: no duplicate reference rows`);
    }
    const owners = fld.records.db.prepare(`SELECT count(*) AS n FROM pr_person WHERE owned_by_user IS NOT NULL OR owned_by_group IS NOT NULL`).get() as { n: number };
    assert.equal(owners.n, 0, 'owned_by_* are site-specific auth ids: not synced');
    const created = fld.records.db.prepare(`SELECT created_on AS c FROM pr_person WHERE uuid = ?`).get(uuid(100)) as { c: string };
    assert.equal(created.c, NOW, 'created_on travels');

    fieldEntry(fld.records.db);
    const back = exportBundle(fld, ['N0HQ']);
    assert.equal(back.rows, 5, 'four edits, and the soft delete as the fields its write set (one upsert) then the delete');
    await importBundle(hq, back.bytes);
    assertSameEden(hq, fld);
    const hr = hq.records.db.prepare(`SELECT h.deleted AS d, p.uuid AS person FROM hrm_human_resource h LEFT JOIN pr_person p ON p.id = h.person_id WHERE h.uuid = ?`).get(uuid(503)) as { d: number; person: string | null };
    assert.equal(hr.d, 1, 'the soft delete arrived as deleted = 1, and the row stays');
    const leader = hq.records.db.prepare(`SELECT p.uuid AS person, o.uuid AS org FROM hrm_human_resource h JOIN pr_person p ON p.id = h.person_id JOIN org_organisation o ON o.id = h.organisation_id WHERE h.uuid = ?`).get(uuid(901)) as { person: string; org: string };
    assert.deepEqual(leader, { person: uuid(900), org: uuid(10) });
    const phone = hq.records.db.prepare(`SELECT phone1 AS p FROM org_office WHERE uuid = ?`).get(uuid(20)) as { p: string };
    assert.equal(phone.p, '+977 64 420 000');
  } finally {
    hq.close();
    fld.close();
    cleanup();
  }
});

test('Eden-shaped database over the simulator at 1200 bit/s with 5% loss (virtual time)', async () => {
  const { dir, cleanup } = tempDir('radiosync-eden-');
  const clock = new ManualClock(T0);
  const [hq, fld] = edenStations(dir, clock);
  const channel = new RadioChannel({ clock, seed: 14, bitrate: 1200, loss: { kind: 'iid', p: 0.05 } });
  const rh = new StationRuntime({ station: hq, port: simRadioPort(channel.attach('N0HQ')), bitrate: 1200 });
  const rf = new StationRuntime({ station: fld, port: simRadioPort(channel.attach('N0FLD')), bitrate: 1200 });
  try {
    hqEntry(hq.records.db);
    let acked = false;
    rh.on('acknowledged', () => (acked = true));
    assert.ok(rh.sendPending(['N0FLD']));
    await clock.run(() => acked, 6 * 3600_000);
    assert.ok(acked, 'HQ\'s rows acknowledged');
    assert.deepEqual(tableFingerprints(fld.records), tableFingerprints(hq.records));
    assert.deepEqual(officeRefs(fld), officeRefs(hq));

    fieldEntry(fld.records.db);
    acked = false;
    rf.on('acknowledged', () => (acked = true));
    assert.ok(rf.sendPending(['N0HQ']));
    await clock.run(() => acked, 6 * 3600_000);
    assert.ok(acked, 'the field station\'s rows acknowledged');
    assertSameEden(hq, fld);
  } finally {
    rh.close();
    rf.close();
    hq.close();
    fld.close();
    cleanup();
  }
});
