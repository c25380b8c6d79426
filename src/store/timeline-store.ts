/**
 * The store ports, one per file in ./ports/. This module only re-exports them for code written
 * before the split (several branches were in flight); new code imports from ./ports/.
 */
export type { AlertStore } from './ports/alert-store.port.js';
export type { DeadLetter, DeadLetterStore } from './ports/dead-letter-store.port.js';
export type { Durable } from './ports/durable.port.js';
export type { ApplyResult, MessageId, PatientSnapshot, ReadBack, TimelineStore } from './ports/timeline-store.port.js';
