import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PRODUCT_NODE_FLAGS } from '../../scripts/server-process';

const root = path.join(__dirname, '..', '..');

/** The product runs with the same Node flags however it is started (decision 0027: the young generation's size). */
describe('the Node flags the product runs with', () => {
  it('every npm script that starts an app, and the bench, passes them', () => {
    const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const starting = Object.entries(scripts).filter(([, command]) => /dist\/(apps\/[\w-]+\/main|scripts\/bench)\.js/.test(command));
    expect(starting.map(([name]) => name).sort()).toEqual(['bench', 'start', 'start:command-api', 'start:query-api', 'start:worker']);
    for (const [name, command] of starting) expect({ name, flags: PRODUCT_NODE_FLAGS.every((flag) => command.split(' ').includes(flag)) }).toEqual({ name, flags: true });
  });

  it('the Docker image sets them in NODE_OPTIONS, so every compose service has them', () => {
    const dockerfile = readFileSync(path.join(root, 'docker', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`NODE_OPTIONS=${PRODUCT_NODE_FLAGS.join(' ')}`);
  });
});
