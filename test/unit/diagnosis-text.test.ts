import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { assessPoemsMention } from '../../src/extract/text/diagnosis-text.js';

const compiled = compileProfile(DEFAULT_PROFILE);
const state = (text: string) => assessPoemsMention(text, compiled).state;

describe('when a diagnosis text names POEMS (spec §1 poemsKnown)', () => {
  it.each(['POEMS syndrome', 'POEMS', 'Crow-Fukase syndrome', 'Takatsuki syndrome', 'Osteosclerotic myeloma', 'History of POEMS syndrome', 'POEMS syndrome, on lenalidomide'])(
    'affirms %j',
    (text) => {
      expect(state(text)).toBe('affirmed');
    },
  );

  it.each([
    'POEMS ruled out',
    'Rule out POEMS',
    'R/O POEMS syndrome',
    '? POEMS',
    '?POEMS',
    'POEMS?',
    'Query POEMS syndrome',
    'Possible POEMS syndrome',
    'Suspected POEMS',
    'POEMS syndrome (suspected)',
    'Concern for POEMS',
    'Screening for POEMS syndrome',
    'POEMS syndrome - under evaluation',
    'CIDP vs POEMS',
    'Not POEMS',
    'No evidence of POEMS syndrome',
    'POEMS unlikely',
    'Family history of POEMS syndrome',
  ])('does not affirm %j, and says why', (text) => {
    const m = assessPoemsMention(text, compiled);
    expect(m.state).toBe('not-affirmed');
    expect(m.detail).toMatch(/POEMS|Crow|Takatsuki/i);
  });

  it.each(['CIDP', 'Chronic inflammatory demyelinating polyneuritis', 'Poem recital', ''])('finds no mention in %j', (text) => {
    expect(state(text)).toBe('absent');
  });

  it('affirms when one mention stays definite after a doubtful one', () => {
    expect(state('Suspected POEMS in 2023. POEMS syndrome confirmed by marrow biopsy.')).toBe('affirmed');
  });

  it('names the mention it affirms', () => {
    expect(assessPoemsMention('POEMS syndrome', compiled)).toEqual({ state: 'affirmed', detail: 'POEMS syndrome', name: 'POEMS syndrome' });
    expect(assessPoemsMention('POEMS ruled out', compiled)).toEqual({ state: 'not-affirmed', detail: "POEMS: 'ruled out'", name: 'POEMS', cue: 'ruled out' });
  });
});
