/** What a schema statement runs with: the transaction, the node store and a planner factory. */
import type { NodeStore } from '../../objects/index.js';
import type { Planner } from '../planner/planner.js';
import type { Transaction } from './transaction.js';

export interface DdlContext {
  tx: Transaction;
  ns: NodeStore;
  /** A planner bound to the transaction's schema (for views, CHECK, CREATE TABLE … AS). */
  planner(): Planner;
}
