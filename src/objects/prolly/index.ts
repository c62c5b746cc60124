/**
 * The prolly tree: the parts other layers use. Internals (writers, cursors, diff) stay here.
 */
export { ProllyTree } from './tree.js';
export { ProllyEditor, type EditableTree } from './editor.js';
export type { LeafEdit } from './mutate.js';
export {
  ProllyNode,
  decodeNode,
  encodeLeaf,
  encodeInternal,
  EMPTY_ROOT,
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  type ChildRef,
} from './node.js';
export {
  NODE_MIN_BYTES,
  NODE_TARGET_BYTES,
  NODE_MAX_BYTES,
  BIG_ENTRY_BYTES,
} from './chunker.js';
export { compareBytes } from './bytes.js';
export type { RawEntry } from './cursor.js';
