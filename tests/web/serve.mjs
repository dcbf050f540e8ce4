// A static server for a built site on 127.0.0.1 (a free port): the site
// under `base`, its 404 page for anything else, nothing outside its folder.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `root` under `base` on 127.0.0.1 like GitHub Pages: folders by their index.html, 404.html for the rest. */
export function serve(root, base) {
  const server = createServer(async (request, response) => {
    try {
      const { pathname } = new URL(request.url, 'http://127.0.0.1');
      let file = null;
      if (pathname.startsWith(base)) {
        const relative = decodeURIComponent(pathname.slice(base.length));
        const candidate = path.resolve(root, relative);
        // Nothing outside the site, whatever the request says.
        if (candidate === root || candidate.startsWith(root + path.sep)) {
          file = await existingFile(candidate);
        }
      }
      const status = file ? 200 : 404;
      file ??= path.join(root, '404.html');
      const body = await readFile(file);
      response.writeHead(status, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'content-length': body.length,
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function existingFile(candidate) {
  const info = await stat(candidate).catch(() => null);
  if (info?.isFile()) return candidate;
  if (info?.isDirectory()) {
    const index = path.join(candidate, 'index.html');
    if ((await stat(index).catch(() => null))?.isFile()) return index;
  }
  return null;
}
