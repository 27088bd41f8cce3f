/**
 * The console's browser app: index.html and the bundle esbuild makes from web/main.tsx
 * (app.js, with every imported stylesheet collected into app.css). Built on the first request
 * and kept in memory for the server's life, so start-up pays nothing and a server that never
 * serves the console never builds it; a failed build is logged and answered with a 500 page,
 * and tried again on the next request.
 *
 * The sources are found relative to this module: `./web` when it runs from src/ (tsx), and
 * `../../src/console/web` when it runs compiled from dist/console/, since `tsc` emits no web
 * sources (they are excluded from the server's tsconfig and bundled here instead).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { HttpResponse } from '../aws/service.js';
import type { Logger } from '../lib/logger.js';
import { SECURITY_HEADERS } from './responses.js';

interface Bundle {
  js: Uint8Array;
  css: Uint8Array;
}

function webDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'web');
  return existsSync(beside) ? beside : join(here, '..', '..', 'src', 'console', 'web');
}

const CONTENT_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

export class ConsoleAssets {
  private bundle: Promise<Bundle> | undefined;

  constructor(
    private readonly logger: Logger,
    /** The web sources (tests point it elsewhere). */
    private readonly dir = webDir(),
  ) {}

  /** The answer for GET `/console/` or `/console/assets/<name>`; undefined for unknown names. */
  async get(name: string): Promise<HttpResponse | undefined> {
    const type = CONTENT_TYPES[name];
    if (type === undefined) return undefined;
    try {
      const body = name === 'index.html' ? readFileSync(join(this.dir, 'index.html')) : (await this.built())[name === 'app.js' ? 'js' : 'css'];
      // The page is never cached (it decides which bundle loads); a bundle is revalidated.
      return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': name === 'index.html' ? 'no-store' : 'no-cache' }, body };
    } catch (err) {
      this.logger.error({ err }, 'console: the web app could not be served');
      return {
        status: 500,
        headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: 'The console could not be built; the server log says why.',
      };
    }
  }

  /** Waits for a build in progress, so nothing runs after the server closed. */
  async close(): Promise<void> {
    await this.bundle?.catch(() => undefined);
  }

  private built(): Promise<Bundle> {
    this.bundle ??= this.build().catch((err: unknown) => {
      this.bundle = undefined;
      throw err;
    });
    return this.bundle;
  }

  private async build(): Promise<Bundle> {
    const result = await build({
      entryPoints: { app: join(this.dir, 'main.tsx') },
      bundle: true,
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      write: false,
      outdir: 'out',
      loader: { '.css': 'css', '.svg': 'dataurl', '.png': 'dataurl' },
      logLevel: 'silent',
    });
    const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.contents ?? new Uint8Array();
    return { js: file('.js'), css: file('.css') };
  }
}
