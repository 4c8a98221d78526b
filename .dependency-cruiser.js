/**
 * The layout's import rules (docs/decisions/0011-one-folder-per-bounded-context.md), checked by
 * `npm run check:imports`, which `npm test` runs first. In short: imports only run down.
 *  - libs/shared-kernel: pure values and rules every context shares; imports nothing of the product.
 *  - libs/platform: generic infrastructure; imports no context, no app.
 *  - libs/<context>: three layers, imported only downwards: the application (commands, queries, process
 *    managers, lookups) -> read-model (projectors and the lookups over their documents) -> domain (pure).
 *    Another context is reached only through one of its doors: its manifest (index.ts), its
 *    read-model/index.ts or its domain/index.ts, each from the same layer or above.
 *  - Within a layer, contexts build on each other in one order (CONTEXT_ORDER): a context's layer uses only
 *    the same layer of contexts before it, so nothing circles between contexts.
 *  - apps/: composition; contexts only through their manifests.
 */
const CONTEXT_ORDER = ['tenancy', 'time', 'accounts', 'catalog', 'plan-instances', 'pools', 'usage', 'payments', 'statements', 'notifications', 'dunning', 'orders', 'self-service', 'audit'];
const CONTEXT = `(${CONTEXT_ORDER.join('|')})`;
// Pure code may use these packages and nothing else from outside the product.
const PURE_PACKAGES = 'node_modules/(decimal\\.js|@js-temporal/polyfill)/';

// Within one layer, a context uses only contexts before it: no cycles between contexts, layer by layer. Across
// layers there is no order to keep: an import from a higher layer into a lower one can never close a circle.
const LAYERS = [
  { name: 'domain', path: 'domain/' },
  { name: 'read-model', path: 'read-model/' },
  { name: 'application', path: '(?!domain/|read-model/)' },
];
const contextOrder = CONTEXT_ORDER.flatMap((context, index) =>
  LAYERS.map((layer) => ({
    name: `order-${context}-${layer.name}`,
    comment: `${context}'s ${layer.name} uses only the ${layer.name} of contexts before it (${CONTEXT_ORDER.slice(0, index).join(', ') || 'none'})`,
    severity: 'error',
    from: { path: `^libs/${context}/${layer.path}`, pathNot: '\\.spec\\.ts$' },
    to: { path: `^libs/(${CONTEXT_ORDER.slice(index + 1).join('|') || 'none-after-the-last'})/${layer.path}` },
  })),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles between files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-kernel-is-pure',
      comment: 'libs/shared-kernel imports only itself and the pure packages (money, dates).',
      severity: 'error',
      from: { path: '^libs/shared-kernel/', pathNot: '\\.spec\\.ts$|/testing/' },
      to: { pathNot: `^libs/shared-kernel/|${PURE_PACKAGES}`, dependencyTypesNot: ['core'] },
    },
    {
      name: 'platform-imports-no-context',
      comment: 'Generic infrastructure (libs/platform) imports no context and no app: it is told what to run.',
      severity: 'error',
      from: { path: '^libs/platform/' },
      to: { path: `^(apps/|libs/(?!platform/|shared-kernel/))` },
    },
    {
      name: 'domain-is-pure',
      comment:
        "A context's domain imports its own domain, the shared kernel, other contexts' domain doors (domain/index.ts) " +
        'and the pure packages: no Nest, no store, no I/O, no read model.',
      severity: 'error',
      from: { path: `^libs/${CONTEXT}/domain/`, pathNot: '\\.spec\\.ts$|/testing/' },
      to: {
        pathNot: `^libs/$1/domain/|^libs/shared-kernel/|^libs/${CONTEXT}/domain/index\\.ts$|${PURE_PACKAGES}`,
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'read-model-below-application',
      comment: "A read model imports domains, read models and the platform, never a context's application layer.",
      severity: 'error',
      from: { path: `^libs/${CONTEXT}/read-model/`, pathNot: '\\.spec\\.ts$' },
      to: { path: `^libs/${CONTEXT}/(?!domain/|read-model/)` },
    },
    {
      name: 'other-contexts-through-doors',
      comment:
        'Another context is used only through what it exports: its manifest (index.ts), read-model/index.ts or domain/index.ts.',
      severity: 'error',
      from: { path: `^libs/${CONTEXT}/`, pathNot: '\\.spec\\.ts$' },
      to: { path: `^libs/${CONTEXT}/`, pathNot: `^libs/$1/|^libs/${CONTEXT}/(index|domain/index|read-model/index)\\.ts$` },
    },
    {
      name: 'apps-through-manifests',
      comment: 'Apps compose contexts through their manifests (libs/<context>/index.ts) only.',
      severity: 'error',
      from: { path: '^apps/', pathNot: '\\.spec\\.ts$' },
      to: { path: `^libs/${CONTEXT}/`, pathNot: `^libs/${CONTEXT}/index\\.ts$` },
    },
    ...contextOrder,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
