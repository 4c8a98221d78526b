#!/usr/bin/env node
// `npm start` (and rebuild, bench, crash) build first. A no-change `tsc` still takes 5–15 s to check the whole
// program; comparing modification times takes milliseconds. So: build only when a source, a tsconfig or
// package.json is newer than the last build's stamp (dist/.build-stamp). Plain JavaScript: it runs before the build.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');

function newestIn(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const inputs = ['package.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.build.json']
  .map((file) => path.join(root, file))
  .filter((file) => existsSync(file))
  .map((file) => statSync(file).mtimeMs);
const newestSource = Math.max(...inputs, ...['apps', 'libs', 'scripts'].map((dir) => newestIn(path.join(root, dir))));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource) {
  console.log('build is current (nothing changed since the last one): skipped');
  process.exit(0);
}
const started = Date.now();
const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
