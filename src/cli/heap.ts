/**
 * The command line's heap policy, set before anything else runs: V8's `--optimize-for-size`.
 *
 * What sets the peak memory of `import`, `export` and `init` on large tables is not the data they
 * hold at once (one changeset, about 50–130 MB live for 100,000 rows) but how far V8 lets the heap
 * fill with garbage before it collects: by default up to about four times the live size. With this
 * flag it collects sooner, which halves the peak (the 40 × 100,000-row bundle of issue 18: 763 MB
 * → under 300 MB, docs/benchmarks.md) for about a fifth more CPU time. Stations run on small field
 * laptops next to other programs; the radio, not the CPU, is the bottleneck.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--optimize-for-size');
