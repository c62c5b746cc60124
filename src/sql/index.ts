/**
 * The SQL engine: grammar, AST, binder/planner, executor, built-in functions, catalog.
 */
export type * from './ast.js';
export * from './parser/index.js';
