import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { isoOf } from '../../src/synthetic/isoOf.js';

test.prop([fc.integer({ min: -1e13, max: 2.6e14 })], { numRuns: 2000 })('isoOf equals Date#toISOString', (ms) => {
  expect(isoOf(ms)).toBe(new Date(ms).toISOString());
});
test.prop([fc.constantFrom(0, 951782400000, 951868800000, 4107542400000, 253402300799999, 1.5)])('isoOf on edges (leap days, 9999, fractions)', (ms) => {
  expect(isoOf(ms)).toBe(new Date(ms).toISOString());
});
