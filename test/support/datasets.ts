/**
 * Locates the real datasets in ../shared/datasets (beside the repository). Tests that need them use
 * `describeDataset`: outside CI they are skipped with a clear message when the folder is absent; with
 * `CI` set, a missing folder is a failure, never a silent skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

/** The folder holding the shared datasets. */
export const DATASETS_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'datasets');

/** Absolute path of a dataset file, e.g. `datasetPath('maven-crm-sales-opportunities', 'sales_pipeline.csv')`. */
export function datasetPath(dataset: string, file: string): string {
  return join(DATASETS_DIR, dataset, file);
}

/** Reads a dataset file as text (UTF-8). */
export function readDataset(dataset: string, file: string): string {
  return readFileSync(datasetPath(dataset, file), 'utf8');
}

/** `describe` that runs only when the dataset folder exists (and fails under CI when it does not). */
export function describeDataset(dataset: string, name: string, fn: () => void): void {
  const present = existsSync(join(DATASETS_DIR, dataset));
  if (present) {
    describe(name, fn);
  } else if (process.env['CI']) {
    describe(name, () => {
      it(`dataset ${dataset} is present at ${DATASETS_DIR}`, () => {
        throw new Error(`dataset folder missing under CI: ${join(DATASETS_DIR, dataset)}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: dataset folder ${join(DATASETS_DIR, dataset)} not found)`, fn);
  }
}
