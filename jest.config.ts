import type { Config } from 'jest';

// Tests run through SWC (fast, keeps decorator metadata for NestJS); `npm test` type-checks first.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.ts$': '@swc/jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // Two cores: one worker per core keeps SQLite fsync-heavy suites from starving each other.
  maxWorkers: 2,
};

export default config;
