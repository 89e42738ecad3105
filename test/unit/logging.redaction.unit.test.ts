import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';

describe('the log file', () => {
  it("never holds a PSA's secret, under the key each config block gives it", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'contactsync.log');
    const logger = createLogger(file, { level: 'info' });
    logger.info(
      {
        halo: { clientId: 'app', secret: 'halo-s3cret' },
        targets: { connectwise: { publicKey: 'pub', privateKey: 'cw-pr1vate' } },
        autotask: { secret: 'at-s3cret' },
      },
      'config read',
    );
    logger.flush();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('config read');
    expect(text).toContain('"clientId":"app"');
    for (const secret of ['halo-s3cret', 'cw-pr1vate', 'at-s3cret']) expect(text).not.toContain(secret);
  });
});
