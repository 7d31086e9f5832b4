export { conversion } from './conversion.js';
export type { ConversionBasis, ConversionCohort, ConversionGroup, ConversionMoney, ConversionOptions, ConversionReport, ConversionRules, ConversionStage, Period } from './conversion.js';
