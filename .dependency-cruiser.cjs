/**
 * The layer rule of DESIGN.md, checked by `npm run layers` (part of `npm test`).
 *
 * Each layer may import only from layers strictly below it, and only through that folder's
 * `index.ts`. Peers (same rank) never import each other. `src/errors` is the bottom.
 */
const layers = [
  ['errors'],
  ['hash'],
  ['store'],
  ['objects'],
  ['refs'],
  ['merge', 'gc'],
  ['sync'],
  ['sql'],
  ['api'],
];
const rank = new Map();
layers.forEach((row, i) => row.forEach((name) => rank.set(name, i)));
const names = [...rank.keys()];

const forbidden = [];
for (const from of names) {
  const notBelow = names.filter((to) => to !== from && rank.get(to) >= rank.get(from));
  if (notBelow.length > 0) {
    forbidden.push({
      name: `layer-${from}`,
      severity: 'error',
      comment: `src/${from} may import only from layers below it (DESIGN.md "Layers")`,
      from: { path: `^src/${from}/` },
      to: { path: `^src/(${notBelow.join('|')})/` },
    });
  }
  forbidden.push({
    name: `via-index-${from}`,
    severity: 'error',
    comment: `other layers import src/${from} only through src/${from}/index.ts`,
    from: { path: '^src/', pathNot: `^src/${from}/` },
    to: { path: `^src/${from}/`, pathNot: `^src/${from}/index\\.ts$` },
  });
}
forbidden.push(
  {
    name: 'lower-layers-not-index',
    severity: 'error',
    comment: 'nothing below src/index.ts imports the public entry',
    from: { path: '^src/(?!api/)[^/]+/' },
    to: { path: '^src/index\\.ts$' },
  },
  {
    name: 'cli-public-api-only',
    severity: 'error',
    comment: 'cli/ uses only the public API (src/index.ts)',
    from: { path: '^cli/' },
    to: { path: '^src/', pathNot: '^src/index\\.ts$' },
  },
  {
    name: 'src-not-cli-test-bench',
    severity: 'error',
    comment: 'the library never imports the CLI, tests or benchmarks',
    from: { path: '^src/' },
    to: { path: '^(cli|test|bench)/' },
  },
  {
    name: 'no-circular',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
);

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'grammar/generated' },
  },
};
