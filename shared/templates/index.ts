export { TemplateMiner, DEFAULT_MINER_OPTIONS, type MinerOptions, type ResolvedMinerOptions } from './miner.ts';
export { MinerStateError, MINER_STATE_FORMAT, MINER_STATE_VERSION, type MinerState } from './state.ts';
export { toGenericTemplate } from './generic.ts';
export { templateIdOf } from './template-id.ts';
export { maskToken } from './mask.ts';
export { maskedTokens } from './tokenize.ts';
export { PLACEHOLDERS, WILDCARD, type Placeholder } from './placeholders.ts';
