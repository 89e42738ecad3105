import { describe, expect, it } from 'vitest';
import { parseJsonText, setJsonString } from '../../src/config/json-text.ts';

const CONFIG = `// contactsync configuration.
{
  // The Microsoft app.
  "microsoft": {"clientId":"abc","clientSecret":"enc:v1:old"},
  "itglue": {"region":"us"},
  "alerts": { "channels": [ { "name": "Teams", "type": "teams", "url": "https://x" }, { "name": "On call", "type": "email", "smtp": { "host": "h" } } ] }
}
`;

const errorOf = (text: string) => {
  try {
    parseJsonText(text, 'contactsync.json');
  } catch (error) {
    return (error as Error).message;
  }
  return null;
};

describe('a JSON file a person edits', () => {
  it('reads // comment lines', () => {
    expect(parseJsonText(CONFIG, 'c')).toMatchObject({ itglue: { region: 'us' } });
  });

  it('says where a mistake is by line and column, with the line and a caret', () => {
    const text = '// comment\n{\n  "web": { "port": 8080 }\n  "tenants": []\n}\n';
    expect(errorOf(text)).toBe(
      'contactsync.json is not valid JSON: a comma is missing after a value at line 4, column 3:\n    "tenants": []\n    ^',
    );
    expect(errorOf('{\n  "a": 1,\n}\n')).toMatch(/at line 3, column 1:\n  }\n  \^$/);
    expect(errorOf('{\n  "a": [1, 2\n')).toMatch(
      /^contactsync.json is not valid JSON: the file ends too early \(a missing } or \]\) at line 2/,
    );
  });

  it('changes one string in place, keeping the comments and the layout', () => {
    const changed = setJsonString(CONFIG, ['microsoft', 'clientSecret'], 'enc:v1:new')!;
    expect(changed).toBe(CONFIG.replace('enc:v1:old', 'enc:v1:new'));
  });

  it('adds a key the object lacks', () => {
    const changed = setJsonString(CONFIG, ['itglue', 'apiKey'], 'ITG.key')!;
    expect(parseJsonText(changed, 'c')).toMatchObject({ itglue: { region: 'us', apiKey: 'ITG.key' } });
    expect(changed.split('\n')[0]).toBe('// contactsync configuration.');
  });

  it('finds a channel of a list by its name', () => {
    const url = setJsonString(CONFIG, ['alerts', 'channels', 'Teams', 'url'], 'enc:v1:hook')!;
    expect(parseJsonText(url, 'c')).toMatchObject({ alerts: { channels: [{ url: 'enc:v1:hook' }, {}] } });
    const password = setJsonString(CONFIG, ['alerts', 'channels', 'On call', 'smtp', 'password'], 'p')!;
    expect(parseJsonText(password, 'c')).toMatchObject({
      alerts: { channels: [{}, { smtp: { host: 'h', password: 'p' } }] },
    });
    expect(setJsonString(CONFIG, ['bms', 'password'], 'p')).toBeNull();
  });
});
