import type { Linter } from 'eslint';

/** The import boundaries (eslint.boundaries.js), typed for test/unit/import-boundaries.test.ts. */
export declare const boundaries: Linter.Config[];
