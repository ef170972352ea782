/** The source tree the docs tests read: every .ts file under src/, as paths relative to it. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every .ts file under src/, sorted; .d.ts files (src/types/) declare third-party modules' types and are no layer's code. */
export function sources(dir = SRC, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(SRC, p));
  }
  return out;
}
