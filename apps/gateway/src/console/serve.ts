import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** The console's files, by the name they are served under; nothing else in this folder is served. */
const FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/console.js': 'console.js',
  '/console.css': 'console.css',
  '/favicon.svg': 'favicon.svg',
};

/**
 * The support console, a static page served at `/console`: it holds no data of its own and calls the
 * support API with the key the agent signs in with. Everything comes from this origin (the CSP says
 * so), and the page may not be framed.
 */
export function consolePage(): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    next();
  });
  for (const [path, file] of Object.entries(FILES)) {
    router.get(path, (_req, res) => res.sendFile(fileURLToPath(new URL(file, import.meta.url))));
  }
  return router;
}
