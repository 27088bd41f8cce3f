/**
 * The console bundle: built by esbuild from a web directory (JSX with preact, CSS imports
 * collected into app.css), kept once built, and a build error answered as a logged 500 that is
 * tried again on the next request rather than a crash or a cached failure.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ConsoleAssets } from '../../src/console/assets.js';
import { createLogger } from '../../src/lib/logger.js';

test('a build error is a logged 500, and the next request builds again', async () => {
  // Inside the repository, so `preact` resolves from its node_modules as the real sources do.
  mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), 'test-artifacts', 'console-web-'));
  let logged = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  try {
    writeFileSync(join(dir, 'index.html'), '<div id="app"></div>');
    writeFileSync(join(dir, 'main.tsx'), 'import { render } from "preact";\nrender(<p>OpenTrail</p>, document.body\n');
    const assets = new ConsoleAssets(createLogger('error', sink), dir);
    const broken = await assets.get('app.js');
    assert.equal(broken?.status, 500);
    assert.equal(broken?.headers['x-content-type-options'], 'nosniff');
    assert.match(logged, /could not be served/);

    writeFileSync(join(dir, 'style.css'), 'p { color: #123456 }');
    writeFileSync(join(dir, 'main.tsx'), 'import { render } from "preact";\nimport "./style.css";\nrender(<p>OpenTrail</p>, document.body);\n');
    const js = await assets.get('app.js');
    assert.equal(js?.status, 200);
    assert.match(Buffer.from(js!.body as Uint8Array).toString(), /OpenTrail/);
    const css = await assets.get('app.css');
    assert.match(Buffer.from(css!.body as Uint8Array).toString(), /#123456/);
    assert.equal((await assets.get('index.html'))?.status, 200);
    assert.equal(await assets.get('main.tsx'), undefined, 'only the bundle and the page are served');

    // Built once: later edits are not picked up by this server instance.
    writeFileSync(join(dir, 'main.tsx'), 'syntax error here(');
    assert.equal((await assets.get('app.js'))?.status, 200);
    await assets.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
