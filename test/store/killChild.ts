/**
 * Child process for the kill test: applies a changeset (v8-serialised in a file) to a database,
 * printing `applying` just before and `done` after. The parent SIGKILLs it in the middle.
 * Usage: node --import tsx test/store/killChild.ts <db> <changeset.bin>
 */
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { RecordStore } from '../../src/store/RecordStore.js';
import type { Changeset } from '../../src/changeset/Changeset.js';

const [dbFile, csFile] = process.argv.slice(2);
const cs = deserialize(readFileSync(csFile!)) as Changeset;
const store = RecordStore.open(dbFile!);
process.stdout.write('applying\n');
const r = store.applyChangeset(cs);
process.stdout.write(`done ${r.applied}\n`);
store.close();
