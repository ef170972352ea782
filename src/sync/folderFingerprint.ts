/**
 * A fingerprint of a synced folder's contents that is comparable across stations: every
 * directory, file (SHA-256 of its bytes and its exec bit) and symlink (its target), by path,
 * leaving out radiosync's own root marker. Equal fingerprints mean identical trees.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FOLDER_MARKER } from '../files/ignoreRules.js';

export interface FolderFingerprint {
  files: number;
  dirs: number;
  sha256: string;
}

export function folderFingerprint(root: string): FolderFingerprint {
  const lines: string[] = [];
  let files = 0;
  let dirs = 0;
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      if (p === FOLDER_MARKER) continue;
      const st = lstatSync(join(root, p));
      if (st.isSymbolicLink()) lines.push(`L ${p} -> ${readlinkSync(join(root, p))}`);
      else if (st.isDirectory()) {
        dirs++;
        lines.push(`D ${p}`);
        walk(p);
      } else if (st.isFile()) {
        files++;
        lines.push(`F ${p} ${(st.mode & 0o111) !== 0 ? 'x' : '-'} ${createHash('sha256').update(readFileSync(join(root, p))).digest('hex')}`);
      }
    }
  };
  walk('');
  return { files, dirs, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}
