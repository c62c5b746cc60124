/**
 * `TableState`: one table as a transaction sees it — its schema (`TableInfo`), its rows tree
 * and index trees, and, once written, a `TreeEditor` overlay on each. Reads go to the editor
 * when there is one (read-your-writes) and straight to the immutable tree otherwise.
 *
 * A committed `TableState` (no editors) is shared by every transaction that starts from the
 * same root; a transaction clones the state on first write (`fork`).
 */
import type { CID, } from '../../hash/index.js';
import type { Tree, TreeEditor, TreeEntry, RangeOptions } from '../../objects/index.js';
import { TableInfo, type IndexInfo } from './table-info.js';

/** Read access common to `Tree` and `TreeEditor`. */
export interface TreeReader {
  readonly count: number;
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  entries(options?: RangeOptions): IterableIterator<TreeEntry>;
}

export interface IndexState {
  info: IndexInfo;
  tree: Tree;
  editor: TreeEditor | undefined;
}

export class TableState {
  info: TableInfo;
  /** CID of the encoded schema; undefined when the schema changed in this transaction. */
  schemaCid: CID | undefined;
  /** CID of the Table object; undefined when anything changed in this transaction. */
  tableCid: CID | undefined;
  rows: Tree;
  rowsEditor: TreeEditor | undefined;
  indexes: Map<string, IndexState>;
  autoIncrement: bigint;
  /**
   * Insert fast path (RowWriter): an upper bound of every row key, valid while `rowsEditor` is
   * `upperEditor` and no undo rollback happened since (`upperGen`); a key above it is absent.
   */
  upperKey: Uint8Array | undefined = undefined;
  upperEditor: TreeEditor | undefined = undefined;
  upperGen = -1;

  constructor(
    info: TableInfo,
    rows: Tree,
    indexes: Map<string, Tree>,
    autoIncrement: bigint,
    schemaCid: CID | undefined,
    tableCid: CID | undefined,
  ) {
    this.info = info;
    this.rows = rows;
    this.rowsEditor = undefined;
    this.indexes = new Map();
    for (const ix of info.storedIndexes) {
      const tree = indexes.get(ix.key);
      if (!tree) throw new Error(`index tree ${ix.key} of ${info.name} is missing`);
      this.indexes.set(ix.key, { info: ix, tree, editor: undefined });
    }
    this.autoIncrement = autoIncrement;
    this.schemaCid = schemaCid;
    this.tableCid = tableCid;
  }

  /** A private copy for a writing transaction (trees are immutable and shared). */
  fork(): TableState {
    const idx = new Map<string, Tree>();
    for (const [k, s] of this.indexes) idx.set(k, s.editor ? s.editor.flush() : s.tree);
    return new TableState(this.info, this.rowsEditor ? this.rowsEditor.flush() : this.rows, idx, this.autoIncrement, this.schemaCid, this.tableCid);
  }

  get dirty(): boolean {
    return this.tableCid === undefined;
  }

  /** Rows as this transaction sees them. */
  reader(): TreeReader {
    return this.rowsEditor ?? this.rows;
  }

  /** The immutable rows tree, when there are no pending edits (for O(log n) counts). */
  cleanRows(): Tree | undefined {
    return this.rowsEditor && this.rowsEditor.dirty ? undefined : this.rowsEditor ? this.rowsEditor.base : this.rows;
  }

  rowsWriter(): TreeEditor {
    this.tableCid = undefined;
    return (this.rowsEditor ??= this.rows.editor());
  }

  indexReader(key: string): TreeReader {
    const s = this.indexes.get(key);
    if (!s) throw new Error(`no index ${key} on ${this.info.name}`);
    return s.editor ?? s.tree;
  }

  indexWriter(key: string): TreeEditor {
    const s = this.indexes.get(key);
    if (!s) throw new Error(`no index ${key} on ${this.info.name}`);
    this.tableCid = undefined;
    return (s.editor ??= s.tree.editor());
  }

  /** Apply pending edits: the trees to store at commit. */
  flush(): { rows: Tree; indexes: Map<string, Tree> } {
    if (this.rowsEditor) {
      this.rows = this.rowsEditor.flush();
      this.rowsEditor = undefined;
    }
    const indexes = new Map<string, Tree>();
    for (const [k, s] of this.indexes) {
      if (s.editor) {
        s.tree = s.editor.flush();
        s.editor = undefined;
      }
      indexes.set(k, s.tree);
    }
    return { rows: this.rows, indexes };
  }
}

export { TableInfo };
