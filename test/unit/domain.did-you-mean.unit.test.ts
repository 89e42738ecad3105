import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/domain/did-you-mean.ts';

describe('did you mean', () => {
  it('guesses a word with a letter or two wrong, missing or cut short', () => {
    expect(didYouMean('setPrimry', ['setPrimary', 'primaryType'])).toBe('setPrimary');
    expect(didYouMean('webb', ['web', 'database'])).toBe('web');
    expect(didYouMean('pageSize', ['pageSizeCap', 'ignoreFields'])).toBe('pageSizeCap');
    expect(didYouMean('SYNC', ['sync', 'plan'])).toBe('sync');
  });

  it('guesses nothing when no word is close', () => {
    expect(didYouMean('nope', ['Contoso Ltd', 'Fabrikam'])).toBeNull();
    expect(didYouMean('xy', ['web'])).toBeNull();
  });
});
