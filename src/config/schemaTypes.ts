/**
 * The building blocks of the config schema: a small tree of nodes that validation, defaults,
 * environment variables, rendering and docs all walk, so each key is described exactly once.
 */

interface LeafBase<T> {
  /** One line for the rendered config and docs/config.md. */
  doc: string;
  default: T;
  /** The expected form, for error messages (e.g. `an integer 50..115200, e.g. 9600`). */
  form: string;
  /** Set false for keys that must not be overridden from the environment. */
  env?: boolean;
}

export interface StringLeaf extends LeafBase<string> {
  kind: 'string';
  pattern?: RegExp;
  /** Applied after validation (e.g. upper-case callsigns). */
  normalize?: (s: string) => string;
  /** Empty string allowed (default true). */
  allowEmpty?: boolean;
}
export interface IntLeaf extends LeafBase<number> {
  kind: 'int';
  min: number;
  max: number;
}
export interface NumberLeaf extends LeafBase<number> {
  kind: 'number';
  min: number;
  max: number;
}
export interface BoolLeaf extends LeafBase<boolean> {
  kind: 'bool';
}
export interface EnumLeaf extends LeafBase<string> {
  kind: 'enum';
  values: readonly string[];
}
export interface StringListLeaf extends LeafBase<string[]> {
  kind: 'string[]';
  pattern?: RegExp;
  normalize?: (s: string) => string;
  maxItems: number;
}

export type Leaf = StringLeaf | IntLeaf | NumberLeaf | BoolLeaf | EnumLeaf | StringListLeaf;

/** A table with fixed keys. */
export interface TableNode {
  kind: 'table';
  doc: string;
  fields: Record<string, SchemaNode>;
}
/** A table whose keys are names chosen by the user (folders, per-table settings, per-peer budgets). */
export interface MapNode {
  kind: 'map';
  doc: string;
  keyPattern: RegExp;
  keyForm: string;
  maxEntries: number;
  of: SchemaNode;
  /** Example entries for the rendered config and docs (commented out). */
  example: string;
}
/** An array of tables (`[[schedule.window]]`). */
export interface ArrayNode {
  kind: 'array';
  doc: string;
  maxItems: number;
  of: TableNode;
  example: string;
}

export type SchemaNode = Leaf | TableNode | MapNode | ArrayNode;

export function isLeaf(n: SchemaNode): n is Leaf {
  return n.kind !== 'table' && n.kind !== 'map' && n.kind !== 'array';
}
