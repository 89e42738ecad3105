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

  it('reads block comments and a comment at the end of a line, as editors for JSON with comments allow', () => {
    const text = '/* contactsync */\n{\n  "web": { "port": 8080 }, // the UI\n  /* customers */ "tenants": []\n}\n';
    expect(parseJsonText(text, 'c')).toEqual({ web: { port: 8080 }, tenants: [] });
    expect(setJsonString(text, ['web', 'host'], '0.0.0.0')).toContain('// the UI');
    expect(parseJsonText(setJsonString(text, ['web', 'host'], '0.0.0.0')!, 'c')).toMatchObject({
      web: { port: 8080, host: '0.0.0.0' },
    });
  });

  it('names the usual slips in words', () => {
    expect(errorOf("{\n  'web': {}\n}")).toMatch(/text must be in double quotes, not single ones at line 2, column 3/);
    expect(errorOf('{\n  web: {}\n}')).toMatch(/a key must be in double quotes at line 2, column 3/);
    expect(errorOf('{\n  "web" {}\n}')).toMatch(/a colon \(:\) is missing after the key at line 2, column 9/);
    expect(errorOf('{\n  "a": [1 2]\n}')).toMatch(/a comma is missing between two list items at line 2, column 11/);
    expect(errorOf('{\n  "a": [1, 2,]\n}')).toMatch(/a comma before \] is one too many at line 2, column 14/);
    expect(errorOf('{\n  "a": "x\ty"\n}')).toMatch(/a line break or tab inside a string .* at line 2, column 10/);
    expect(errorOf('{"a": 1}\n}')).toMatch(/text after the end of the JSON .* at line 2, column 1/);
    expect(errorOf('{"a": tru}')).toMatch(/"t" cannot start a value at line 1, column 7/);
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
