import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * `npm run check:imports` (run by `npm test` before the suites) holds the real tree to .dependency-cruiser.js.
 * This proves the rules can fail: the same config over a small made-up tree, where each file breaks one rule
 * or none, must report exactly the breaking ones.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true } }),
  // Allowed: doors, lower layers, earlier contexts, the platform and the shared kernel.
  'libs/shared-kernel/money.ts': 'export const cents = 100;',
  'libs/platform/store.ts': "import { cents } from '../shared-kernel/money';\nexport const store = cents;",
  'libs/accounts/domain/account.ts': "import { cents } from '../../shared-kernel/money';\nexport const account = cents;",
  'libs/accounts/domain/index.ts': "export { account } from './account';",
  'libs/accounts/read-model/accounts.projection.ts': "import { account } from '../domain/account';\nimport { store } from '../../platform/store';\nexport const accounts = account + store;",
  'libs/accounts/read-model/index.ts': "export { accounts } from './accounts.projection';",
  'libs/accounts/commands/create-account.ts': "import { accounts } from '../read-model/accounts.projection';\nexport const create = accounts;",
  'libs/accounts/index.ts': "export { create } from './commands/create-account';",
  'libs/usage/domain/usage.ts': "import { account } from '../../accounts/domain';\nexport const usage = account;",
  'libs/usage/domain/index.ts': "export { usage } from './usage';",
  'libs/plan-instances/domain/invoice.ts': "import { account } from '../../accounts/domain';\nexport const invoice = account;",
  'libs/plan-instances/domain/index.ts': "export { invoice } from './invoice';",
  // An application layer may read a later context's lower layers (no circle can close downwards).
  'libs/plan-instances/commands/bill.ts':
    "import { create } from '../../accounts';\nimport { usage } from '../../usage/domain';\nexport const bill = create + usage;",
  'apps/main.ts': "import { create } from '../libs/accounts';\nimport { store } from '../libs/platform/store';\nexport const main = create + store;",
  // Each of these breaks one rule.
  'libs/platform/leaky.ts': "import { accounts } from '../accounts/read-model';\nexport const leaky = accounts;",
  'libs/shared-kernel/clocked.ts': "import { store } from '../platform/store';\nexport const clocked = store;",
  'libs/accounts/domain/nest.ts': "import { Injectable } from '@nestjs/common';\nexport const nest = Injectable;",
  'libs/accounts/read-model/upward.ts': "import { create } from '../commands/create-account';\nexport const upward = create;",
  'libs/accounts/domain/later.ts': "import { invoice } from '../../plan-instances/domain';\nexport const later = invoice;",
  'libs/usage/commands/inside.ts': "import { create } from '../../accounts/commands/create-account';\nexport const inside = create;",
  'apps/inside.ts': "import { accounts } from '../libs/accounts/read-model';\nexport const appInside = accounts;",
  'libs/usage/read-model/a.ts': "import { b } from './b';\nexport const a = () => b;",
  'libs/usage/read-model/b.ts': "import { a } from './a';\nexport const b = () => a;",
};

describe('import rules (.dependency-cruiser.js)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'import-rules-'));
    for (const [file, text] of Object.entries(TREE)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('report every import that breaks a rule, and only those', () => {
    const report = cruise(dir);
    const found = report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual(
      [
        'platform-imports-no-context: libs/platform/leaky.ts -> libs/accounts/read-model/index.ts',
        'shared-kernel-is-pure: libs/shared-kernel/clocked.ts -> libs/platform/store.ts',
        'domain-is-pure: libs/accounts/domain/nest.ts -> @nestjs/common',
        'read-model-below-application: libs/accounts/read-model/upward.ts -> libs/accounts/commands/create-account.ts',
        'order-accounts-domain: libs/accounts/domain/later.ts -> libs/plan-instances/domain/index.ts',
        'other-contexts-through-doors: libs/usage/commands/inside.ts -> libs/accounts/commands/create-account.ts',
        'apps-through-manifests: apps/inside.ts -> libs/accounts/read-model/index.ts',
        'no-circular: libs/usage/read-model/a.ts -> libs/usage/read-model/b.ts',
      ].sort(),
    );
  });
});

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string): { summary: { violations: Violation[] } } {
  const args = [CLI, 'apps', 'libs', '--config', path.join(ROOT, '.dependency-cruiser.js'), '--output-type', 'json'];
  try {
    return JSON.parse(execFileSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // The CLI exits non-zero when it finds violations; its report is still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout);
  }
}
